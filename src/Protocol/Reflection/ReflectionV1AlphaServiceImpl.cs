using Google.Protobuf;
using Grpc.Core;
using Alpha = Grpc.Reflection.V1Alpha;

namespace Grpc.Reflection;

/// <summary>
/// Server reflection, <c>grpc.reflection.v1alpha</c> — the older package that many tools still
/// try. Its messages are identical to v1's on the wire, so each request is re-read as v1,
/// answered by <see cref="ReflectionServiceImpl"/>, and the answer re-read as v1alpha.
/// </summary>
public sealed class ReflectionV1AlphaServiceImpl(ReflectionServiceImpl v1) : Alpha.ServerReflection.ServerReflectionBase
{
    /// <inheritdoc />
    public override async Task ServerReflectionInfo(IAsyncStreamReader<Alpha.ServerReflectionRequest> requestStream,
        IServerStreamWriter<Alpha.ServerReflectionResponse> responseStream, ServerCallContext context)
    {
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var request = V1.ServerReflectionRequest.Parser.ParseFrom(requestStream.Current.ToByteString());
            var answer = v1.Answer(request);
            await responseStream.WriteAsync(Alpha.ServerReflectionResponse.Parser.ParseFrom(answer.ToByteString()));
        }
    }
}
