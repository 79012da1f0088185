using System.Security.Cryptography;
using XChat.Grains.Conversations;

namespace XChat.Grains.Tests.Grains;

/// <summary>Builds send requests with random opaque ciphertexts.</summary>
internal static class TestSends
{
    public static DeviceAddress Device(string userId, uint deviceId = 1) => new(userId, deviceId);

    public static string NewClientId() => Guid.NewGuid().ToString("N");

    /// <summary>A send with only a shared ciphertext (a group message under a sender key).</summary>
    public static AppendRequest Shared(string userId, string? clientId = null, int bytes = 48) =>
        new(Device(userId), clientId ?? NewClientId(), RandomNumberGenerator.GetBytes(bytes), []);

    /// <summary>A send with per-device ciphertexts (a 1:1 message encrypted once per recipient device).</summary>
    public static AppendRequest ForDevices(string userId, params DeviceAddress[] recipients) =>
        new(Device(userId), NewClientId(), null,
            recipients.Select(r => new DeviceCiphertext(r.UserId, r.DeviceId, RandomNumberGenerator.GetBytes(40))).ToArray());

    /// <summary>Every message of the conversation as the reader sees it, oldest first, paging through ReadAfterAsync.</summary>
    public static async Task<List<MessageEnvelope>> ReadAllAsync(IConversationGrain conversation, DeviceAddress reader)
    {
        var messages = new List<MessageEnvelope>();
        MessagePage page;
        do
        {
            page = await conversation.ReadAfterAsync(reader, messages.Count == 0 ? 0 : messages[^1].Seq, limit: 0);
            messages.AddRange(page.Messages);
        }
        while (page.HasMore);

        return messages;
    }
}
