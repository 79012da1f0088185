using Google.Protobuf;
using XChat.Grains.Connections;
using XChat.Grains.Conversations;
using XChat.Gateway.Dispatch;
using XChat.Gateway.Hosting;
using XChat.Protocol;

namespace XChat.Gateway.Connections;

/// <summary>This gateway's push observer: grains call it once per user with the devices it holds here.</summary>
public sealed class PushRouter(ConnectionRegistry registry, GatewayMetrics metrics) : IPushObserver
{
    public Task OnMessageAsync(string userId, IReadOnlyList<uint> deviceIds, PushedMessage message)
    {
        foreach (var deviceId in deviceIds)
        {
            var device = new DeviceAddress(userId, deviceId);
            var connections = registry.ConnectionsOf(device);
            if (connections.Length == 0)
            {
                continue;
            }

            var envelope = ProtoMapping.ToEnvelope(message.Message,
                message.DeviceCiphertexts.FirstOrDefault(c => c.DeviceId == deviceId)?.Ciphertext);
            var frame = new ServerFrame { Push = new MessagePush { Message = envelope } }.ToByteArray();
            foreach (var connection in connections)
            {
                connection.Enqueue(frame);
            }

            metrics.PushDelivered(message.Message.ServerTimestampMs, connections.Length);
        }

        return Task.CompletedTask;
    }
}
