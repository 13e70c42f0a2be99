using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace AuthOpenIdc.Tests;

/// <summary>
/// The public surface of AuthOpenIdc as text, compared with the committed PublicApi.verified.txt, so every
/// public change shows up as a diff in review (style anchor 10; PublicApiAnalyzers does not restore here).
/// </summary>
public class PublicApiTests
{
    private const string VerifiedFile = "PublicApi.verified.txt";
    private const string ReceivedFile = "PublicApi.received.txt";
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly NullabilityInfoContext Nullability = new();

    [Fact]
    public void Public_api_matches_the_verified_file()
    {
        var directory = ProjectDirectory();
        var verifiedPath = Path.Combine(directory, VerifiedFile);
        var receivedPath = Path.Combine(directory, ReceivedFile);
        var received = Dump(ConventionTests.Library);
        var verified = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath).ReplaceLineEndings("\n") : "";

        if (string.Equals(received, verified, StringComparison.Ordinal))
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, received);
        Assert.Fail(
            $"The public API of AuthOpenIdc changed. The new surface was written to {receivedPath}. " +
            $"Diff it against {VerifiedFile}; if the change is intended, replace the verified file with it " +
            $"(cp {receivedPath} {verifiedPath}) and commit it with the change. First difference: {FirstDifference(verified, received)}");
    }

    [Fact]
    public void Dump_renders_nullability_defaults_and_modifiers()
    {
        var dump = Dump(ConventionTests.Library);

        Assert.Contains("  public string? ClientId { get; set; }", dump, StringComparison.Ordinal);
        Assert.Contains("  public const string AuthenticationScheme = \"OidcRelyingParty\";", dump, StringComparison.Ordinal);
        Assert.Contains("public static class Microsoft.Extensions.DependencyInjection.OidcRelyingPartyExtensions", dump, StringComparison.Ordinal);
        Assert.Contains("  public virtual System.Threading.Tasks.Task RedirectToIdentityProvider(", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("ProtectedCache", dump, StringComparison.Ordinal);
    }

    internal static string Dump(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(TypeHeader(type)).Append('\n');
            // Constants and fields, constructors, properties, events, methods; each group by name, then signature.
            var members = Members(type).OrderBy(m => m.Group).ThenBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Text, StringComparer.Ordinal);
            foreach (var member in members)
            {
                text.Append("  ").Append(member.Text).Append('\n');
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string TypeHeader(Type type)
    {
        var kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : typeof(Delegate).IsAssignableFrom(type) ? "delegate" : "class";
        var modifiers = kind != "class" ? "" : type.IsAbstract && type.IsSealed ? "static " : type.IsAbstract ? "abstract " : type.IsSealed ? "sealed " : "";
        var bases = new List<string>();
        if (kind == "class" && type.BaseType is { } baseType && baseType != typeof(object))
        {
            bases.Add(Name(baseType));
        }
        var inherited = type.BaseType?.GetInterfaces() ?? [];
        bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Except(inherited).Select(i => Name(i)).Order(StringComparer.Ordinal));
        return $"public {modifiers}{kind} {Name(type)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : "")}";
    }

    private static IEnumerable<(int Group, string Name, string Text)> Members(Type type)
    {
        if (type.IsEnum)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var value = Convert.ToInt64(field.GetRawConstantValue(), CultureInfo.InvariantCulture);
                yield return (0, value.ToString("D20", CultureInfo.InvariantCulture), $"{field.Name} = {value},");
            }
            yield break;
        }
        foreach (var field in type.GetFields(Declared).Where(f => Visible(f.IsPublic, f.IsFamily, f.IsFamilyOrAssembly) && !IsGenerated(f)))
        {
            yield return (0, field.Name, field.IsLiteral
                ? $"{Access(field.IsPublic)} const {Name(field.FieldType, Nullability.Create(field))} {field.Name} = {Literal(field.GetRawConstantValue())};"
                : $"{Access(field.IsPublic)} {(field.IsStatic ? "static " : "")}{(field.IsInitOnly ? "readonly " : "")}{Name(field.FieldType, Nullability.Create(field))} {field.Name};");
        }
        foreach (var constructor in type.GetConstructors(Declared).Where(c => !c.IsStatic && Visible(c.IsPublic, c.IsFamily, c.IsFamilyOrAssembly)))
        {
            yield return (1, "", $"{Access(constructor.IsPublic)} {BareName(type)}({Parameters(constructor)});");
        }
        foreach (var property in type.GetProperties(Declared).Where(p => !IsGenerated(p)))
        {
            var getter = property.GetMethod is { } g && Visible(g.IsPublic, g.IsFamily, g.IsFamilyOrAssembly) ? g : null;
            var setter = property.SetMethod is { } s && Visible(s.IsPublic, s.IsFamily, s.IsFamilyOrAssembly) ? s : null;
            var main = getter ?? setter;
            if (main is null)
            {
                continue;
            }
            var accessors = new List<string>();
            if (getter is not null)
            {
                accessors.Add(AccessorPrefix(getter, main) + "get;");
            }
            if (setter is not null)
            {
                var init = setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));
                accessors.Add(AccessorPrefix(setter, main) + (init ? "init;" : "set;"));
            }
            var indexer = property.GetIndexParameters();
            var name = indexer.Length > 0 ? $"this[{string.Join(", ", indexer.Select(Parameter))}]" : property.Name;
            yield return (2, name, $"{Access(main.IsPublic)} {Modifiers(main)}{Name(property.PropertyType, Nullability.Create(property))} {name} {{ {string.Join(" ", accessors)} }}");
        }
        foreach (var @event in type.GetEvents(Declared))
        {
            if (@event.AddMethod is { } add && Visible(add.IsPublic, add.IsFamily, add.IsFamilyOrAssembly))
            {
                yield return (3, @event.Name, $"{Access(add.IsPublic)} {Modifiers(add)}event {Name(@event.EventHandlerType!)} {@event.Name};");
            }
        }
        foreach (var method in type.GetMethods(Declared).Where(m => Visible(m.IsPublic, m.IsFamily, m.IsFamilyOrAssembly) && !IsGenerated(m)))
        {
            if (method.IsSpecialName && !method.Name.StartsWith("op_", StringComparison.Ordinal))
            {
                continue;
            }
            var generic = method.IsGenericMethodDefinition ? $"<{string.Join(", ", method.GetGenericArguments().Select(a => a.Name))}>" : "";
            yield return (4, method.Name, $"{Access(method.IsPublic)} {Modifiers(method)}{Name(method.ReturnType, Nullability.Create(method.ReturnParameter))} {method.Name}{generic}({Parameters(method)});");
        }
    }

    private static bool Visible(bool isPublic, bool isFamily, bool isFamilyOrAssembly) => isPublic || isFamily || isFamilyOrAssembly;

    private static bool IsGenerated(MemberInfo member) => member.IsDefined(typeof(CompilerGeneratedAttribute)) || member.Name.Contains('<', StringComparison.Ordinal);

    private static string Access(bool isPublic) => isPublic ? "public" : "protected";

    private static string AccessorPrefix(MethodInfo accessor, MethodInfo main) => accessor.IsPublic == main.IsPublic ? "" : Access(accessor.IsPublic) + " ";

    private static string Modifiers(MethodInfo method)
    {
        var modifier = method.IsStatic ? "static "
            : method.IsAbstract ? "abstract "
            : !method.IsVirtual ? ""
            : method.GetBaseDefinition() != method ? (method.IsFinal ? "sealed override " : "override ")
            : method.IsFinal ? "" // interface implementation
            : "virtual ";
        return modifier;
    }

    private static string Parameters(MethodBase method)
    {
        var extension = method.IsDefined(typeof(ExtensionAttribute));
        return string.Join(", ", method.GetParameters().Select((p, i) => (i == 0 && extension ? "this " : "") + Parameter(p)));
    }

    private static string Parameter(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        var prefix = parameter.IsDefined(typeof(ParamArrayAttribute)) ? "params "
            : !type.IsByRef ? ""
            : parameter.IsOut ? "out "
            : parameter.IsIn ? "in "
            : "ref ";
        var suffix = parameter.HasDefaultValue ? " = " + Literal(parameter.RawDefaultValue, type) : "";
        return $"{prefix}{Name(type, Nullability.Create(parameter))} {parameter.Name}{suffix}";
    }

    private static string Literal(object? value, Type? type = null) => value switch
    {
        null => type is { IsValueType: true } && Nullable.GetUnderlyingType(type) is null ? "default" : "null",
        string s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        bool b => b ? "true" : "false",
        char c => $"'{c}'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string BareName(Type type)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }

    private static string Name(Type type, NullabilityInfo? nullability = null)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!, nullability);
        }
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }
        var nullable = !type.IsValueType && nullability?.ReadState == NullabilityState.Nullable ? "?" : "";
        if (type.IsArray)
        {
            return Name(type.GetElementType()!, nullability?.ElementType) + "[]" + nullable;
        }
        if (type.IsGenericParameter)
        {
            return type.Name + nullable;
        }
        if (Keywords.TryGetValue(type, out var keyword))
        {
            return keyword + nullable;
        }
        var prefix = type.IsNested ? Name(type.DeclaringType!) + "." : type.Namespace is null ? "" : type.Namespace + ".";
        var name = prefix + BareName(type);
        if (type.IsGenericType)
        {
            var arguments = type.GetGenericArguments();
            var infos = nullability?.GenericTypeArguments;
            name += "<" + string.Join(", ", arguments.Select((a, i) => Name(a, infos is { Length: > 0 } && i < infos.Length ? infos[i] : null))) + ">";
        }
        return name + nullable;
    }

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(object)] = "object", [typeof(string)] = "string", [typeof(bool)] = "bool",
        [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(char)] = "char", [typeof(short)] = "short",
        [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint", [typeof(long)] = "long",
        [typeof(ulong)] = "ulong", [typeof(float)] = "float", [typeof(double)] = "double", [typeof(decimal)] = "decimal",
    };

    private static string FirstDifference(string verified, string received)
    {
        var expected = verified.Split('\n');
        var actual = received.Split('\n');
        for (var i = 0; i < Math.Max(expected.Length, actual.Length); i++)
        {
            var e = i < expected.Length ? expected[i] : "<end>";
            var a = i < actual.Length ? actual[i] : "<end>";
            if (!string.Equals(e, a, StringComparison.Ordinal))
            {
                return $"line {i + 1}: verified '{e}', received '{a}'";
            }
        }
        return "none";
    }

    /// <summary>The test project's source folder (found from the build output), where the verified file is committed.</summary>
    private static string ProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AuthOpenIdc.Tests.csproj")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"AuthOpenIdc.Tests.csproj not found above {AppContext.BaseDirectory}");
    }
}
