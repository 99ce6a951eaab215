using System.Collections;
using System.Text;

namespace Grpc.Core;

/// <summary>
/// Call metadata: request headers, response headers or trailers. Keys are lower-case
/// (<c>0-9 a-z _ - .</c>); keys ending in <c>-bin</c> carry binary values, which travel
/// base64-encoded. Order is kept, and a key may appear more than once.
/// </summary>
public sealed class Metadata : IList<Metadata.Entry>
{
    /// <summary>The suffix that marks a binary-valued key.</summary>
    public const string BinaryHeaderSuffix = "-bin";

    /// <summary>An empty, read-only instance.</summary>
    public static readonly Metadata Empty = new Metadata().Freeze();

    private readonly List<Entry> _entries = [];
    private bool _readOnly;

    /// <summary>Creates an empty, writable collection.</summary>
    public Metadata()
    {
    }

    /// <summary>Makes this instance read-only and returns it.</summary>
    internal Metadata Freeze()
    {
        _readOnly = true;
        return this;
    }

    /// <summary>The entry at <paramref name="index"/>.</summary>
    public Entry this[int index]
    {
        get => _entries[index];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckWriteable();
            _entries[index] = value;
        }
    }

    /// <summary>The number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Whether the collection is read-only.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>Adds an ASCII-valued entry.</summary>
    public void Add(string key, string value) => Add(new Entry(key, value));

    /// <summary>Adds a binary-valued entry; the key must end in <c>-bin</c>.</summary>
    public void Add(string key, byte[] valueBytes) => Add(new Entry(key, valueBytes));

    /// <summary>Adds an entry.</summary>
    public void Add(Entry item)
    {
        ArgumentNullException.ThrowIfNull(item);
        CheckWriteable();
        _entries.Add(item);
    }

    /// <summary>The last entry with the given key, or <c>null</c>.</summary>
    public Entry? Get(string key)
    {
        var normalized = NormalizeKey(key);
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Key == normalized)
            {
                return _entries[i];
            }
        }
        return null;
    }

    /// <summary>The string value of the last entry with the given key, or <c>null</c>.</summary>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>The binary value of the last entry with the given key, or <c>null</c>.</summary>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    /// <summary>All entries with the given key, in order.</summary>
    public IEnumerable<Entry> GetAll(string key)
    {
        var normalized = NormalizeKey(key);
        foreach (var entry in _entries)
        {
            if (entry.Key == normalized)
            {
                yield return entry;
            }
        }
    }

    /// <summary>Removes every entry.</summary>
    public void Clear()
    {
        CheckWriteable();
        _entries.Clear();
    }

    /// <inheritdoc />
    public bool Contains(Entry item) => _entries.Contains(item);

    /// <inheritdoc />
    public void CopyTo(Entry[] array, int arrayIndex) => _entries.CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _entries.GetEnumerator();

    /// <inheritdoc />
    public int IndexOf(Entry item) => _entries.IndexOf(item);

    /// <inheritdoc />
    public void Insert(int index, Entry item)
    {
        ArgumentNullException.ThrowIfNull(item);
        CheckWriteable();
        _entries.Insert(index, item);
    }

    /// <inheritdoc />
    public bool Remove(Entry item)
    {
        CheckWriteable();
        return _entries.Remove(item);
    }

    /// <inheritdoc />
    public void RemoveAt(int index)
    {
        CheckWriteable();
        _entries.RemoveAt(index);
    }

    private void CheckWriteable()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("Metadata is read-only.");
        }
    }

    internal static bool IsBinaryKey(string key) =>
        key.EndsWith(BinaryHeaderSuffix, StringComparison.Ordinal);

    // Header-Name → 1*( %x30-39 / %x61-7A / "_" / "-" / "." ) (PROTOCOL-HTTP2.md); upper case is
    // folded to lower case first, as HTTP/2 requires lower-case field names.
    private static string NormalizeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var lower = key.ToLowerInvariant();
        if (lower.Length == 0)
        {
            throw new ArgumentException("Metadata key must not be empty.", nameof(key));
        }
        foreach (var c in lower)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.'))
            {
                throw new ArgumentException(
                    $"Metadata key '{key}' contains '{c}'; keys may contain only 0-9, a-z, '_', '-' and '.'.", nameof(key));
            }
        }
        return lower;
    }

    /// <summary>One metadata entry: a key and either an ASCII or a binary value.</summary>
    public sealed class Entry
    {
        private readonly string? _value;
        private readonly byte[]? _valueBytes;

        /// <summary>Creates an ASCII-valued entry. The key must not end in <c>-bin</c>.</summary>
        public Entry(string key, string value)
        {
            ArgumentNullException.ThrowIfNull(value);
            Key = NormalizeKey(key);
            if (IsBinaryKey(Key))
            {
                throw new ArgumentException($"Key '{Key}' ends in '-bin', so its value must be binary.", nameof(key));
            }
            foreach (var c in value)
            {
                // ASCII-Value → 1*( %x20-%x7E ); HTTP/2 would reject anything else.
                if (c is < ' ' or > '~')
                {
                    throw new ArgumentException(
                        $"Value of metadata key '{Key}' contains a character outside printable ASCII (U+{(int)c:X4}); use a '-bin' key for binary data.",
                        nameof(value));
                }
            }
            _value = value;
        }

        /// <summary>Creates a binary-valued entry. The key must end in <c>-bin</c>.</summary>
        public Entry(string key, byte[] valueBytes)
        {
            ArgumentNullException.ThrowIfNull(valueBytes);
            Key = NormalizeKey(key);
            if (!IsBinaryKey(Key))
            {
                throw new ArgumentException($"Key '{Key}' carries a binary value, so it must end in '-bin'.", nameof(key));
            }
            _valueBytes = valueBytes;
        }

        /// <summary>The lower-case key.</summary>
        public string Key { get; }

        /// <summary>Whether the value is binary (the key ends in <c>-bin</c>).</summary>
        public bool IsBinary => _valueBytes is not null;

        /// <summary>The ASCII value. Throws for a binary entry.</summary>
        public string Value => _value ?? throw new InvalidOperationException($"Entry '{Key}' is binary; read ValueBytes.");

        /// <summary>The binary value; for an ASCII entry, its ASCII bytes.</summary>
        public byte[] ValueBytes => _valueBytes ?? Encoding.ASCII.GetBytes(_value!);

        /// <inheritdoc />
        public override string ToString() => IsBinary
            ? $"[Entry: key={Key}, valueBytes=({_valueBytes!.Length} bytes)]"
            : $"[Entry: key={Key}, value={_value}]";
    }
}
