using XChat.Client.Transport;
using XChat.Protocol;
using XChat.TestSupport;

namespace XChat.Gateway.Tests;

/// <summary>Registered test users on raw connections.</summary>
internal static class Users
{
    public static string NewHandle(string prefix = "u") => $"{prefix}_{Guid.NewGuid():N}"[..24];

    public static async Task<(RawClient Client, DeviceIdentity Identity)> RegisterAsync(Uri server, string? handle = null)
    {
        var identity = DeviceIdentity.Create();
        var client = await RawClient.ConnectAsync(server);
        await client.RegisterAsync(identity, handle ?? NewHandle());
        return (client, identity);
    }

    public static async Task<ConversationInfo> CreateDirectAsync(RawClient client, string otherUserId)
    {
        var answer = await client.RequestAsync(new ClientFrame
        {
            CreateConversation = new CreateConversationRequest { Kind = ConversationKind.Direct, MemberUserIds = { otherUserId } },
        });
        return answer.Conversation ?? throw new InvalidOperationException($"Create failed: {answer.Error}");
    }

    public static ClientFrame Send(string conversationId, string clientMessageId, byte[] shared) => new()
    {
        Send = new SendRequest
        {
            ConversationId = conversationId,
            ClientMessageId = clientMessageId,
            SharedCiphertext = Google.Protobuf.ByteString.CopyFrom(shared),
        },
    };

    public static ClientFrame Sync(string conversationId, ulong afterSeq = 0, uint limit = 0) =>
        new() { Sync = new SyncRequest { ConversationId = conversationId, AfterSeq = afterSeq, Limit = limit } };
}
