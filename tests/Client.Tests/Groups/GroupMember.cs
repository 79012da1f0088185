using System.Text;
using XChat.Client.Groups;
using XChat.Client.Ratchet;

namespace XChat.Client.Tests.Groups;

/// <summary>One member device of a group, with its own sender key store; messages cross as bytes.</summary>
internal sealed class GroupMember(string name, Guid distributionId)
{
    public ProtocolAddress Address { get; } = new(name, 1);

    public InMemorySenderKeyStore Store { get; } = new();

    public SenderKeyName OwnName => new(distributionId, Address);

    public SenderKeyName NameOf(GroupMember sender) => new(distributionId, sender.Address);

    /// <summary>Our current distribution message, serialized as it would travel inside a pairwise session.</summary>
    public async Task<byte[]> DistributionAsync() => (await new GroupSessionBuilder(Store).CreateAsync(OwnName)).Serialize();

    public async Task<byte[]> RotateAsync() => (await new GroupSessionBuilder(Store).RotateAsync(OwnName)).Serialize();

    public Task ProcessAsync(GroupMember sender, byte[] distribution) =>
        new GroupSessionBuilder(Store).ProcessAsync(NameOf(sender), SenderKeyDistributionMessage.Deserialize(distribution));

    public async Task<byte[]> SendAsync(string text) =>
        (await new GroupCipher(Store, OwnName).EncryptAsync(Encoding.UTF8.GetBytes(text))).Serialize();

    public async Task<string> ReceiveAsync(GroupMember sender, byte[] wire) =>
        Encoding.UTF8.GetString(await new GroupCipher(Store, NameOf(sender)).DecryptAsync(SenderKeyMessage.Deserialize(wire)));

    /// <summary>Every member sends its distribution message to every other member.</summary>
    public static async Task<GroupMember[]> FormAsync(params string[] names)
    {
        var distributionId = Guid.NewGuid();
        var members = names.Select(name => new GroupMember(name, distributionId)).ToArray();
        foreach (var sender in members)
        {
            var distribution = await sender.DistributionAsync();
            foreach (var receiver in members.Where(member => member != sender))
            {
                await receiver.ProcessAsync(sender, distribution);
            }
        }

        return members;
    }
}
