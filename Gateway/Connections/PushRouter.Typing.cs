using Google.Protobuf;
using XChat.Grains.Conversations;
using XChat.Grains.Live;
using XChat.Protocol;

namespace XChat.Gateway.Connections;

public sealed partial class PushRouter
{
    public Task OnTypingAsync(string userId, IReadOnlyList<uint> deviceIds, TypingEvent typing)
    {
        var frame = new ServerFrame
        {
            Typing = new TypingPush
            {
                ConversationId = typing.ConversationId,
                UserId = typing.Device.UserId,
                DeviceId = typing.Device.DeviceId,
                Typing = typing.Typing,
            },
        }.ToByteArray();
        foreach (var deviceId in deviceIds)
        {
            foreach (var connection in registry.ConnectionsOf(new DeviceAddress(userId, deviceId)))
            {
                connection.Enqueue(frame);
            }
        }

        return Task.CompletedTask;
    }
}
