namespace Federation.Standards;

/// <summary>
/// The area a node answers for. A record is inside when its handling division code starts with
/// one of <see cref="Prefixes"/> (PP for a province, PPCC for a prefecture, the full code for a
/// county) and with none of <see cref="ExcludedPrefixes"/>.
/// </summary>
public sealed class Jurisdiction
{
    /// <summary>The code of the whole country (the ministry's jurisdiction).</summary>
    public const string NationalCode = "000000";

    /// <summary>The whole country.</summary>
    public static readonly Jurisdiction National = new(NationalCode, [""], []);

    /// <summary>Creates a jurisdiction.</summary>
    public Jurisdiction(string code, IReadOnlyList<string> prefixes, IReadOnlyList<string> excludedPrefixes)
    {
        Code = code;
        Prefixes = prefixes;
        ExcludedPrefixes = excludedPrefixes;
    }

    /// <summary>The node's division code.</summary>
    public string Code { get; }

    /// <summary>Codes starting with one of these are inside…</summary>
    public IReadOnlyList<string> Prefixes { get; }

    /// <summary>…unless they start with one of these.</summary>
    public IReadOnlyList<string> ExcludedPrefixes { get; }

    /// <summary>Whether a 6-digit division code lies inside.</summary>
    public bool Contains(string divisionCode)
    {
        foreach (var excluded in ExcludedPrefixes)
        {
            if (divisionCode.StartsWith(excluded, StringComparison.Ordinal))
            {
                return false;
            }
        }
        foreach (var prefix in Prefixes)
        {
            if (divisionCode.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Code;
}
