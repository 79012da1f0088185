using System.Security.Cryptography;
using XChat.Grains.Conversations;
using XChat.Grains.Users;

namespace XChat.Grains.Tests.Grains;

/// <summary>Registers users with fresh handles and well-formed random keys, and opens conversations between them.</summary>
internal static class TestUsers
{
    public static DeviceKeys NewKeys() => new(
        RandomNumberGenerator.GetBytes(DeviceKeyRules.PublicKeyBytes),
        RandomNumberGenerator.GetBytes(DeviceKeyRules.PublicKeyBytes),
        RandomNumberGenerator.GetBytes(DeviceKeyRules.SignatureBytes));

    /// <summary>A handle no other test uses (canonical: lower-case hex).</summary>
    public static string NewHandle() => "t_" + Guid.NewGuid().ToString("N")[..24];

    public static async Task<string> RegisterAsync(IGrainFactory grains) =>
        (await grains.GetGrain<IHandleGrain>(NewHandle()).RegisterAsync(NewKeys())).UserId;

    public static async Task<string[]> RegisterManyAsync(IGrainFactory grains, int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => RegisterAsync(grains)));

    /// <summary>Adds devices with fresh keys to a user (what an approved link does); returns their ids.</summary>
    public static async Task<uint[]> AddDevicesAsync(IGrainFactory grains, string userId, int count = 1)
    {
        var ids = new uint[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = (await grains.GetGrain<IUserGrain>(userId).AddDeviceAsync(NewKeys())).DeviceId;
        }

        return ids;
    }

    /// <summary>Two new users and the direct conversation between them.</summary>
    public static async Task<(string A, string B, IConversationGrain Conversation)> NewDirectAsync(IGrainFactory grains)
    {
        var a = await RegisterAsync(grains);
        var b = await RegisterAsync(grains);
        var conversation = grains.GetGrain<IConversationGrain>(ConversationIds.ForDirect(a, b));
        await conversation.CreateAsync(a, ConversationKind.Direct, [b]);
        return (a, b, conversation);
    }

    /// <summary>A new group owned by the owner, with the given other members.</summary>
    public static async Task<IConversationGrain> NewGroupAsync(IGrainFactory grains, string owner, params string[] members)
    {
        var conversation = grains.GetGrain<IConversationGrain>(ConversationIds.NewGroup());
        await conversation.CreateAsync(owner, ConversationKind.Group, members);
        return conversation;
    }
}
