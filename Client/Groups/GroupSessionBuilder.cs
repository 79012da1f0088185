using System.Security.Cryptography;
using XChat.Client.Crypto;
using XChat.Client.Errors;

namespace XChat.Client.Groups;

/// <summary>
/// Creates this device's sender key for a group and processes the ones other members send
/// (libsignal's GroupSessionBuilder). Distribution messages travel over the pairwise sessions,
/// which authenticate the sender; this class trusts them for that reason.
/// </summary>
public sealed class GroupSessionBuilder(ISenderKeyStore store)
{
    /// <summary>
    /// The distribution message of our current chain for <paramref name="ownName"/>, creating the
    /// chain on first use. It carries the chain at its current iteration, so a member who receives
    /// it now cannot read anything we sent before.
    /// </summary>
    public async Task<SenderKeyDistributionMessage> CreateAsync(SenderKeyName ownName)
    {
        ArgumentNullException.ThrowIfNull(ownName);
        var record = await store.LoadSenderKeyAsync(ownName);
        var state = record?.Current;
        if (state?.SigningPrivateKey is null)
        {
            return await RotateAsync(ownName);
        }

        return ToDistribution(ownName, state);
    }

    /// <summary>
    /// Starts a new chain (new chain id, chain key and signing key) for <paramref name="ownName"/>
    /// and forgets the old one. Call it when a member leaves or is removed, then send the result to
    /// the remaining members only: whoever kept the old chain cannot follow the new one.
    /// </summary>
    public async Task<SenderKeyDistributionMessage> RotateAsync(SenderKeyName ownName)
    {
        ArgumentNullException.ThrowIfNull(ownName);
        var signing = Ed25519.GenerateKeyPair();
        var state = new SenderKeyState(RandomChainId(), 0, RandomNumberGenerator.GetBytes(SenderKeyKdf.KeySize), signing.PublicKey, signing.PrivateKey);
        var record = new SenderKeyRecord();
        record.AddState(state);
        await store.StoreSenderKeyAsync(ownName, record);
        return ToDistribution(ownName, state);
    }

    /// <summary>
    /// Remembers the chain a member (<paramref name="senderName"/>) sent us. A chain we already hold
    /// with the same signing key is left as it is, so a redelivered distribution message cannot rewind
    /// it and reopen messages already read.
    /// </summary>
    public async Task ProcessAsync(SenderKeyName senderName, SenderKeyDistributionMessage distribution)
    {
        ArgumentNullException.ThrowIfNull(senderName);
        ArgumentNullException.ThrowIfNull(distribution);
        if (distribution.DistributionId != senderName.DistributionId)
        {
            throw new InvalidMessageException("The sender key distribution message is for another group.");
        }

        var record = await store.LoadSenderKeyAsync(senderName) ?? new SenderKeyRecord();
        var existing = record.FindState(distribution.ChainId);
        if (existing is not null && existing.SigningPublicKey.AsSpan().SequenceEqual(distribution.SigningKey))
        {
            return;
        }

        record.AddState(new SenderKeyState(distribution.ChainId, distribution.Iteration, distribution.ChainKey.ToArray(), distribution.SigningKey.ToArray(), signingPrivateKey: null));
        await store.StoreSenderKeyAsync(senderName, record);
    }

    private static SenderKeyDistributionMessage ToDistribution(SenderKeyName name, SenderKeyState state) =>
        new(name.DistributionId, state.ChainId, state.Iteration, state.ChainKey, state.SigningPublicKey);

    private static uint RandomChainId() => BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(sizeof(uint)));
}
