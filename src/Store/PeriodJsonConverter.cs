using System.Text.Json;
using System.Text.Json.Serialization;

namespace Federation.Store;

/// <summary>Stores a period in JSON (manifests' sources) as its name, as it always was.</summary>
public sealed class PeriodJsonConverter : JsonConverter<Period>
{
    public override Period Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Period.TryParse(reader.GetString(), out var period) ? period : throw new JsonException($"'{reader.GetString()}' is not a period (YYYY-MM-DD).");

    public override void Write(Utf8JsonWriter writer, Period value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
