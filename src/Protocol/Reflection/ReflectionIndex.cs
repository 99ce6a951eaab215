using System.Reflection;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;

namespace Grpc.Reflection;

/// <summary>
/// What server reflection can answer, indexed once: every file reachable from the mapped
/// services (with its transitive imports, by import path), every fully-qualified symbol
/// (services, methods, messages and enums, nested ones too) and every extension.
/// </summary>
internal sealed class ReflectionIndex
{
    private readonly Dictionary<string, FileDescriptor> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Type, int Number), FileDescriptor> _extensions = [];
    private readonly Dictionary<string, List<int>> _extensionNumbers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _messages = new(StringComparer.Ordinal);

    public ReflectionIndex(IEnumerable<string> serviceNames, IEnumerable<FileDescriptor> files)
    {
        ServiceNames = [.. serviceNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        foreach (var file in files)
        {
            AddFile(file);
        }
    }

    public IReadOnlyList<string> ServiceNames { get; }

    public static ReflectionIndex FromRegistry(GrpcServiceRegistry registry)
    {
        var files = new List<FileDescriptor>();
        foreach (var service in registry.Services)
        {
            var descriptor = service.BindType.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as ServiceDescriptor;
            if (descriptor is not null)
            {
                files.Add(descriptor.File);
            }
        }
        return new ReflectionIndex(registry.Services.Select(s => s.Name), files);
    }

    public FileDescriptor? FindFile(string name) => _files.GetValueOrDefault(name);

    public FileDescriptor? FindFileContainingSymbol(string symbol) => _symbols.GetValueOrDefault(symbol);

    public FileDescriptor? FindFileContainingExtension(string containingType, int number) =>
        _extensions.GetValueOrDefault((containingType, number));

    public bool IsKnownMessage(string type) => _messages.Contains(type);

    public IReadOnlyList<int> ExtensionNumbersOf(string type) => _extensionNumbers.TryGetValue(type, out var numbers) ? numbers : [];

    /// <summary>The file first, then every file it imports, transitively, each once.</summary>
    public static IEnumerable<FileDescriptor> WithDependencies(FileDescriptor file)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<FileDescriptor>();
        stack.Push(file);
        while (stack.Count > 0)
        {
            var next = stack.Pop();
            if (!seen.Add(next.Name))
            {
                continue;
            }
            yield return next;
            for (var i = next.Dependencies.Count - 1; i >= 0; i--)
            {
                stack.Push(next.Dependencies[i]);
            }
        }
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_files.TryAdd(file.Name, file))
        {
            return;
        }
        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }
        foreach (var service in file.Services)
        {
            _symbols.TryAdd(service.FullName, file);
            foreach (var method in service.Methods)
            {
                _symbols.TryAdd(method.FullName, file);
            }
        }
        foreach (var message in file.MessageTypes)
        {
            AddMessage(message, file);
        }
        foreach (var enumType in file.EnumTypes)
        {
            _symbols.TryAdd(enumType.FullName, file);
        }
        foreach (var extension in file.Extensions.UnorderedExtensions)
        {
            AddExtension(extension, file);
        }
    }

    private void AddMessage(MessageDescriptor message, FileDescriptor file)
    {
        _symbols.TryAdd(message.FullName, file);
        _messages.Add(message.FullName);
        foreach (var nested in message.NestedTypes)
        {
            AddMessage(nested, file);
        }
        foreach (var enumType in message.EnumTypes)
        {
            _symbols.TryAdd(enumType.FullName, file);
        }
        foreach (var extension in message.Extensions.UnorderedExtensions)
        {
            AddExtension(extension, file);
        }
    }

    private void AddExtension(FieldDescriptor extension, FileDescriptor file)
    {
        var extendee = extension.ExtendeeType.FullName;
        _extensions.TryAdd((extendee, extension.FieldNumber), file);
        if (!_extensionNumbers.TryGetValue(extendee, out var numbers))
        {
            _extensionNumbers[extendee] = numbers = [];
        }
        numbers.Add(extension.FieldNumber);
    }
}
