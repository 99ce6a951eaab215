namespace Federation.Interop;

/// <summary>The interop programs' flags, in the standard form <c>--name=value</c> (or <c>--name value</c>).</summary>
public sealed class InteropFlags
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private InteropFlags()
    {
    }

    public static InteropFlags Parse(string[] args, IReadOnlyCollection<string> known)
    {
        var flags = new InteropFlags();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}'; flags look like --name=value.");
            }
            var body = arg[2..];
            string name, value;
            var eq = body.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                (name, value) = (body[..eq], body[(eq + 1)..]);
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                (name, value) = (body, args[++i]);
            }
            else
            {
                (name, value) = (body, "true");
            }
            if (!known.Contains(name))
            {
                throw new ArgumentException($"Unknown flag --{name}. Known flags: {string.Join(", ", known.Select(k => "--" + k))}.");
            }
            flags._values[name] = value;
        }
        return flags;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string Get(string name, string defaultValue) => _values.GetValueOrDefault(name) ?? defaultValue;

    public int GetInt(string name, int defaultValue) => _values.TryGetValue(name, out var value)
        ? int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ArgumentException($"--{name} must be a non-negative integer, got '{value}'.")
        : defaultValue;

    public bool GetBool(string name) => _values.TryGetValue(name, out var value) && value is "true" or "1" or "yes";
}
