using System.Collections.Frozen;
using System.IO.Compression;
using Grpc.Core.Internal;
using Grpc.Net.Compression;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// <see cref="GrpcServiceOptions"/> resolved once at start-up into what every call needs,
/// so calls do no per-call lookups or string building.
/// </summary>
internal sealed class ServerMethodOptions
{
    public ServerMethodOptions(GrpcServiceOptions options)
    {
        MaxReceiveMessageSize = options.MaxReceiveMessageSize;
        MaxSendMessageSize = options.MaxSendMessageSize;
        EnableDetailedErrors = options.EnableDetailedErrors;
        ResponseCompressionLevel = options.ResponseCompressionLevel;
        CompressionProviders = options.CompressionProviders.ToFrozenDictionary(p => p.EncodingName, StringComparer.Ordinal);
        ResponseCompressionAlgorithm = options.ResponseCompressionAlgorithm;
        if (ResponseCompressionAlgorithm is not null && !CompressionProviders.ContainsKey(ResponseCompressionAlgorithm))
        {
            throw new InvalidOperationException(
                $"GrpcServiceOptions.ResponseCompressionAlgorithm is '{ResponseCompressionAlgorithm}', but no compression provider has that name. " +
                $"Available: {string.Join(", ", CompressionProviders.Keys)}.");
        }
        AcceptEncodingValue = string.Join(",", new[] { GrpcProtocolConstants.IdentityEncoding }.Concat(CompressionProviders.Keys));
    }

    public int? MaxReceiveMessageSize { get; }
    public int? MaxSendMessageSize { get; }
    public bool EnableDetailedErrors { get; }
    public string? ResponseCompressionAlgorithm { get; }
    public CompressionLevel? ResponseCompressionLevel { get; }
    public FrozenDictionary<string, ICompressionProvider> CompressionProviders { get; }

    /// <summary>The <c>grpc-accept-encoding</c> this server sends: identity plus every provider.</summary>
    public string AcceptEncodingValue { get; }
}
