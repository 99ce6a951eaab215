using System.Buffers;
using Grpc.Core;
using Grpc.Core.Internal;
using Xunit;

namespace Federation.Rpc.Tests.Unit;

public class MessageFramingTests
{
    [Fact]
    public void TryReadMessage_HeaderSplitAcrossSegments_ReadsTheMessage()
    {
        // Arrange: header bytes 0,0,0 | 0,3 then payload, in three segments, then a second message
        var buffer = Segments([0, 0, 0], [0, 3, 0xA, 0xB], [0xC, 1, 0, 0, 0, 0]);

        // Act
        var first = MessageFraming.TryReadMessage(ref buffer, 100, out var compressed, out var message);
        var second = MessageFraming.TryReadMessage(ref buffer, 100, out var secondCompressed, out var secondMessage);

        // Assert
        Assert.True(first);
        Assert.False(compressed);
        Assert.Equal(new byte[] { 0xA, 0xB, 0xC }, message.ToArray());
        Assert.True(second);
        Assert.True(secondCompressed);
        Assert.Equal(0, secondMessage.Length);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void TryReadMessage_Incomplete_LeavesBufferUntouched()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 0, 4, 1, 2]);
        Assert.False(MessageFraming.TryReadMessage(ref buffer, null, out _, out _));
        Assert.Equal(7, buffer.Length);
    }

    [Fact]
    public void TryReadMessage_OverLimit_IsResourceExhaustedBeforeThePayloadArrives()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0, 0x10, 0, 1]);
        var ex = Assert.Throws<RpcException>(() => MessageFraming.TryReadMessage(ref buffer, 1024, out _, out _));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("1048577", ex.Status.Detail);
    }

    [Fact]
    public void TryReadMessage_BadFlag_IsInternal()
    {
        var buffer = new ReadOnlySequence<byte>([2, 0, 0, 0, 0]);
        var ex = Assert.Throws<RpcException>(() => MessageFraming.TryReadMessage(ref buffer, null, out _, out _));
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    private static ReadOnlySequence<byte> Segments(params byte[][] parts)
    {
        Segment? first = null, last = null;
        foreach (var part in parts)
        {
            var segment = new Segment(part);
            if (first is null)
            {
                first = last = segment;
            }
            else
            {
                last = last!.Append(segment);
            }
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data) => Memory = data;

        public Segment Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
            return next;
        }
    }
}
