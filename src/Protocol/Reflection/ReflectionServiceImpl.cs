using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Reflection.V1;

namespace Grpc.Reflection;

/// <summary>
/// Server reflection, <c>grpc.reflection.v1</c> (grpc/grpc doc/server-reflection.md): lets
/// grpcurl, buf curl and other tools discover the services and message types with no .proto
/// files at hand. Answers every request on the stream in order, with errors in-band (the stream
/// stays open). File answers carry the requested file first and all its transitive imports.
/// </summary>
public sealed class ReflectionServiceImpl : ServerReflection.ServerReflectionBase
{
    private readonly Lazy<ReflectionIndex> _index;

    /// <summary>Reflects the services mapped on this server.</summary>
    public ReflectionServiceImpl(GrpcServiceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        // Built on first use: by then every service has been mapped.
        _index = new Lazy<ReflectionIndex>(() => ReflectionIndex.FromRegistry(registry));
    }

    /// <inheritdoc />
    public override async Task ServerReflectionInfo(IAsyncStreamReader<ServerReflectionRequest> requestStream,
        IServerStreamWriter<ServerReflectionResponse> responseStream, ServerCallContext context)
    {
        // Respond to each request before reading the next: clients send one and wait.
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            await responseStream.WriteAsync(Answer(requestStream.Current));
        }
    }

    internal ServerReflectionResponse Answer(ServerReflectionRequest request)
    {
        var index = _index.Value;
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                response.ListServicesResponse = new ListServiceResponse();
                response.ListServicesResponse.Service.AddRange(index.ServiceNames.Select(name => new ServiceResponse { Name = name }));
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFiles(response, index.FindFile(request.FileByFilename), $"File '{request.FileByFilename}' not found.");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFiles(response, index.FindFileContainingSymbol(request.FileContainingSymbol), $"Symbol '{request.FileContainingSymbol}' not found.");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                var extension = request.FileContainingExtension;
                SetFiles(response, index.FindFileContainingExtension(extension.ContainingType, extension.ExtensionNumber),
                    $"Extension {extension.ExtensionNumber} of '{extension.ContainingType}' not found.");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                if (!index.IsKnownMessage(request.AllExtensionNumbersOfType))
                {
                    SetError(response, StatusCode.NotFound, $"Type '{request.AllExtensionNumbersOfType}' not found.");
                    break;
                }
                response.AllExtensionNumbersResponse = new ExtensionNumberResponse { BaseTypeName = request.AllExtensionNumbersOfType };
                response.AllExtensionNumbersResponse.ExtensionNumber.AddRange(index.ExtensionNumbersOf(request.AllExtensionNumbersOfType));
                break;
            default:
                SetError(response, StatusCode.InvalidArgument, "The reflection request names no known query.");
                break;
        }
        return response;
    }

    private static void SetFiles(ServerReflectionResponse response, Google.Protobuf.Reflection.FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFound);
            return;
        }
        response.FileDescriptorResponse = new FileDescriptorResponse();
        foreach (var each in ReflectionIndex.WithDependencies(file))
        {
            response.FileDescriptorResponse.FileDescriptorProto.Add(each.SerializedData);
        }
    }

    private static void SetError(ServerReflectionResponse response, StatusCode code, string message) =>
        response.ErrorResponse = new ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };
}
