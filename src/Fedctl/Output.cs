using System.Text.Json;
using Federation.Client;
using Google.Protobuf;
using Spectre.Console;

namespace Federation.Fedctl;

/// <summary>
/// Where fedctl writes: tables and colour on a terminal, plain text when stdout is redirected,
/// JSON with --json (protobuf messages in their canonical JSON form). Errors go to stderr.
/// </summary>
internal sealed class Output(bool json)
{
    // One JSON style for every verb: protobuf messages in their canonical proto3 JSON (field names
    // in lowerCamelCase, int64 as strings, every field present), indented with two spaces, UTF-8
    // text as is (Chinese names are not \u-escaped).
    private static readonly JsonFormatter ProtoJson = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public bool Json { get; } = json;

    public static bool Interactive => !System.Console.IsOutputRedirected;

    public IAnsiConsole Console { get; } = CreateConsole();

    private static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!Interactive)
        {
            // Redirected output is read by programs: never wrap a digest or a path.
            console.Profile.Width = 1000;
        }
        return console;
    }

    public static void WriteJson(IMessage message) => WriteJson(ToJsonElement(message));

    public static void WriteJson(object value) => System.Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>A message's canonical JSON, as an element to write or to nest.</summary>
    public static JsonElement ToJsonElement(IMessage message)
    {
        using var document = JsonDocument.Parse(ProtoJson.Format(message));
        return document.RootElement.Clone();
    }

    /// <summary>Reports a failure and returns the exit code for it.</summary>
    public static int Fail(Exception exception)
    {
        switch (exception)
        {
            case FederationException federation:
                System.Console.Error.WriteLine($"fedctl: {federation.Message}");
                if ((federation.StatusCode == Grpc.Core.StatusCode.Unauthenticated
                        ? "sign in with your account's certificate (--cert FILE.pem --key FILE.key, and --ca for the node's CA) or an API token (--token)"
                        : Hint(federation.Transport)) is { } hint)
                {
                    System.Console.Error.WriteLine($"hint: {hint}");
                }
                return federation.IsUnavailable ? ExitCodes.Unavailable : federation.IsPermissionProblem ? ExitCodes.Permission : ExitCodes.Negative;
            case ArgumentException argument:
                var message = argument.ParamName is null ? argument.Message : argument.Message.Replace($" (Parameter '{argument.ParamName}')", "", StringComparison.Ordinal);
                System.Console.Error.WriteLine($"fedctl: {message}");
                return ExitCodes.Usage;
            case OperationCanceledException:
                System.Console.Error.WriteLine("fedctl: cancelled.");
                return ExitCodes.Negative;
            default:
                throw exception;
        }
    }

    private static string? Hint(TransportProblem problem) => problem switch
    {
        TransportProblem.ClientCertificateRefused => "give your certificate and key, issued by the node's CA: --cert FILE.pem --key FILE.key",
        TransportProblem.ServerCertificateNotTrusted => "give the deployment's CA certificate with --ca FILE.pem, and call the node by the name its certificate carries",
        TransportProblem.NotGrpc => "a node configured with TLS is called with https://",
        TransportProblem.Unreachable => "check --node (or FEDCTL_NODE) and that the node is running",
        _ => null,
    };
}
