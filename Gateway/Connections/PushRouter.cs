using Google.Protobuf;
using XChat.Grains.Connections;
using XChat.Grains.Conversations;
using XChat.Gateway.Dispatch;
using XChat.Gateway.Hosting;
using XChat.Protocol;

namespace XChat.Gateway.Connections;

/// <summary>This gateway's push observer: user grains call it once per committed batch with the devices it holds here.</summary>
public sealed partial class PushRouter(ConnectionRegistry registry, GatewayMetrics metrics) : IPushObserver
{
    public Task OnMessagesAsync(string userId, IReadOnlyList<uint> deviceIds, IReadOnlyList<PushedMessage> messages)
    {
        foreach (var deviceId in deviceIds)
        {
            var device = new DeviceAddress(userId, deviceId);
            var connections = registry.ConnectionsOf(device);
            if (connections.Length == 0)
            {
                continue;
            }

            foreach (var message in messages)
            {
                if (message.Message.Sender == device)
                {
                    continue; // the sender learned the seq from its SendResult
                }

                var envelope = ProtoMapping.ToEnvelope(message.Message, XChat.Grains.Conversations.DeviceCiphertext.For(message.DeviceCiphertexts, device));
                var frame = new ServerFrame { Push = new MessagePush { Message = envelope } }.ToByteArray();
                foreach (var connection in connections)
                {
                    connection.Enqueue(frame);
                }

                metrics.PushDelivered(message.Message.ServerTimestampMs, connections.Length);
            }
        }

        return Task.CompletedTask;
    }
}
