#!/usr/bin/env pwsh
# AuthOpenIdc build script (PowerShell twin of build.sh, same verbs: test, demo, pack, bench).
param([ValidateSet('test', 'demo', 'pack', 'bench')][string]$Verb = 'test', [Parameter(ValueFromRemainingArguments)]$Rest)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'

function Ensure-Apt([string[]]$Packages) {
    $missing = $Packages | Where-Object { -not (dpkg -s $_ 2>$null) }
    if ($missing) {
        apt-get update -qq | Out-Null
        apt-get install -y -qq @missing | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "apt-get install $missing failed" }
    }
}

# Starts a built sample in its own folder (its content root, where appsettings.json is).
function Start-Sample([string]$Name, [string]$Environment, [string[]]$Arguments) {
    $folder = Join-Path $PSScriptRoot "src/samples/AuthOpenIdc.Samples.$Name"
    Start-Process dotnet -ArgumentList (@("bin/Release/net10.0/AuthOpenIdc.Samples.$Name.dll", '--environment', $Environment) + $Arguments) -WorkingDirectory $folder -PassThru -NoNewWindow
}

function Ensure-Op {
    if (-not (Test-Path tests/oidc-provider/node_modules/oidc-provider)) {
        npm ci --prefix tests/oidc-provider --no-audit --no-fund --loglevel=error
        if ($LASTEXITCODE -ne 0) { throw 'npm ci failed' }
    }
}

switch ($Verb) {
    'test' {
        Ensure-Apt @('redis-server', 'chromium')
        Ensure-Op
        if (-not (Test-Path tests/browser/node_modules/playwright-core)) {
            npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
            if ($LASTEXITCODE -ne 0) { throw 'npm ci (tests/browser) failed' }
        }
        dotnet build AuthOpenIdc.sln -c Release -nologo -v q
        if ($LASTEXITCODE -ne 0) { Write-Output '0 passed, 1 failed'; exit 1 }
        $status = 0; $log = @()
        foreach ($project in 'tests/AuthOpenIdc.Tests', 'tests/AuthOpenIdc.IntegrationTests') {
            $out = dotnet test $project -c Release --no-build -nologo 2>&1
            $out | Write-Output; $log += $out
            if ($LASTEXITCODE -ne 0) { $status = 1 }
        }
        $p = 0; $f = 0; $s = 0
        foreach ($line in $log | Select-String -Pattern '^\s*(Passed|Failed)!.*Failed:\s*(\d+), Passed:\s*(\d+), Skipped:\s*(\d+)') {
            $f += [int]$line.Matches[0].Groups[2].Value; $p += [int]$line.Matches[0].Groups[3].Value; $s += [int]$line.Matches[0].Groups[4].Value
        }
        if ($p -eq 0 -and $f -eq 0) { $status = 1 }
        Write-Output "$p passed, $f failed, $s skipped"
        exit $status
    }
    'demo' {
        # The OP, the API sample and the web app sample, each its own process; all of them stop together.
        Ensure-Op
        $opPort = if ($env:OP_PORT) { $env:OP_PORT } else { '9090' }
        $issuer = "http://127.0.0.1:$opPort"
        $apiUrl = if ($env:DEMO_API_URL) { $env:DEMO_API_URL } else { 'http://127.0.0.1:5002' }
        $appUrls = if ($env:DEMO_URLS) { $env:DEMO_URLS } else { 'http://127.0.0.1:5000' }
        # DEMO_API_VALIDATION=introspection: the API introspects opaque tokens instead of validating JWTs locally (both
        # apps then run in the Introspection environment, i.e. read their appsettings.Introspection.json).
        switch ($(if ($env:DEMO_API_VALIDATION) { $env:DEMO_API_VALIDATION } else { 'jwt' })) {
            'jwt' { $environment = if ($env:ASPNETCORE_ENVIRONMENT) { $env:ASPNETCORE_ENVIRONMENT } else { 'Production' }; $validation = 'validated locally as JWTs' }
            'introspection' { $environment = 'Introspection'; $validation = 'validated by introspection' }
            default { throw "DEMO_API_VALIDATION must be 'jwt' or 'introspection'" }
        }
        # Build first, one project at a time (they share the library's output), then run the built apps directly.
        foreach ($sample in 'Api', 'WebApp') {
            $out = dotnet build "src/samples/AuthOpenIdc.Samples.$sample" -c Release -nologo -v q 2>&1
            if ($LASTEXITCODE -ne 0) { $out | Write-Output; exit 1 }
        }
        $processes = @()
        $status = 0
        try {
            $processes += Start-Process node -ArgumentList 'tests/oidc-provider/server.mjs', '--port', $opPort -PassThru -NoNewWindow
            $processes += Start-Sample 'Api' $environment @('--urls', $apiUrl, "--AuthOpenIdc:ResourceServer:Issuer=$issuer")
            $processes += Start-Sample 'WebApp' $environment @('--urls', $appUrls, "--AuthOpenIdc:RelyingParty:Issuer=$issuer", "--SampleApi:BaseUrl=$apiUrl")
            Write-Output "Demo OP:  $issuer (any user name logs in; names starting with 'admin' get the admin role)"
            Write-Output "Demo API: $apiUrl (/health public, /api/whoami and /api/orders need a bearer token, $validation)"
            Write-Output "Demo app: $appUrls (/call-api calls the API with your session's access token; Ctrl+C stops all three)"
            # Until Ctrl+C, or until one of them exits (a port in use, for example): then finally stops the others.
            while (-not ($processes | Where-Object { $_.HasExited })) { Start-Sleep -Seconds 1 }
            Write-Warning 'A demo process exited; stopping the others'
            $status = 1
        } finally {
            foreach ($process in $processes) { if (-not $process.HasExited) { Stop-Process -Id $process.Id -ErrorAction SilentlyContinue } }
        }
        exit $status
    }
    'pack' { dotnet pack src/AuthOpenIdc/AuthOpenIdc.csproj -c Release -o artifacts -nologo }
    'bench' { Ensure-Apt @('wrk', 'redis-server'); dotnet run --project tests/AuthOpenIdc.Benchmarks -c Release -- @Rest }
}
