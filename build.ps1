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
        Ensure-Op
        $port = if ($env:OP_PORT) { $env:OP_PORT } else { '9090' }
        $op = Start-Process node -ArgumentList 'tests/oidc-provider/server.mjs', '--port', $port -PassThru -NoNewWindow
        try {
            Write-Output "Demo OP: http://127.0.0.1:$port ; demo app: http://127.0.0.1:5000"
            dotnet run --project src/samples/AuthOpenIdc.Samples.WebApp -c Release -- --urls $(if ($env:DEMO_URLS) { $env:DEMO_URLS } else { 'http://127.0.0.1:5000' })
        } finally { Stop-Process -Id $op.Id -ErrorAction SilentlyContinue }
    }
    'pack' { dotnet pack src/AuthOpenIdc/AuthOpenIdc.csproj -c Release -o artifacts -nologo }
    'bench' { Ensure-Apt @('wrk', 'redis-server'); dotnet run --project tests/AuthOpenIdc.Benchmarks -c Release -- @Rest }
}
