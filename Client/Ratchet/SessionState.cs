using XChat.Client.Crypto;
using XChat.Client.Keys;

namespace XChat.Client.Ratchet;

/// <summary>
/// The state variables of one Double Ratchet session (spec §3.2: DHs, DHr, RK, CKs, CKr, Ns, Nr, PN,
/// MKSKIPPED), plus the identities behind the associated data and the PQXDH base key that names
/// the session. Every byte array is replaced, never written in place, so a clone may share them.
/// </summary>
internal sealed class SessionState
{
    /// <summary>The size of <see cref="AssociatedData"/>: two 66-byte identity encodings.</summary>
    public const int AssociatedDataSize = 2 * (1 + Ed25519.PublicKeySize + 1 + X25519.KeySize);

    private byte[]? _associatedData;
    private IdentityKey? _remoteIdentity;

    public required IdentityKey LocalIdentity { get; init; }

    /// <summary>The peer's identity; changing it (tests only) changes the associated data.</summary>
    public required IdentityKey RemoteIdentity
    {
        get => _remoteIdentity!;
        set
        {
            _remoteIdentity = value;
            _associatedData = null;
        }
    }

    /// <summary>True for Alice, who sent the PQXDH initial message: she is A in AD = Encode(IKA) || Encode(IKB).</summary>
    public required bool IsInitiator { get; init; }

    /// <summary>EKA of the PQXDH run that started the session: a repeated initial message finds its session by it.</summary>
    public required byte[] BaseKey { get; init; }

    /// <summary>RK.</summary>
    public required byte[] RootKey { get; set; }

    /// <summary>DHs.</summary>
    public required X25519KeyPair SendingRatchetKey { get; set; }

    /// <summary>CKs; null on the responder until its first DH ratchet step.</summary>
    public byte[]? SendingChainKey { get; set; }

    /// <summary>Ns.</summary>
    public uint SendCounter { get; set; }

    /// <summary>PN.</summary>
    public uint PreviousSendCounter { get; set; }

    /// <summary>DHr; null on the responder until the first message.</summary>
    public byte[]? ReceivingRatchetKey { get; set; }

    /// <summary>CKr; null until the first DH ratchet step on receipt.</summary>
    public byte[]? ReceivingChainKey { get; set; }

    /// <summary>Nr.</summary>
    public uint ReceiveCounter { get; set; }

    /// <summary>Finished receiving chains, oldest first, at most <see cref="SessionLimits.MaxPreviousReceivingChains"/>.</summary>
    public List<PreviousReceivingChain> PreviousReceivingChains { get; private init; } = [];

    public SkippedMessageKeys SkippedKeys { get; private init; } = new();

    /// <summary>Set on the initiator until the responder's first message is decrypted.</summary>
    public PendingPreKey? PendingPreKey { get; set; }

    /// <summary>AD = Encode(IKA) || Encode(IKB) (PQXDH §3.3), A being the initiator.</summary>
    public byte[] AssociatedData => _associatedData ??= IsInitiator
        ? [.. LocalIdentity.EncodeForAssociatedData(), .. RemoteIdentity.EncodeForAssociatedData()]
        : [.. RemoteIdentity.EncodeForAssociatedData(), .. LocalIdentity.EncodeForAssociatedData()];

    /// <summary>A copy to decrypt on: a message that fails authentication leaves the original untouched (spec §3.5).</summary>
    public SessionState Clone()
    {
        return new SessionState
        {
            LocalIdentity = LocalIdentity,
            RemoteIdentity = RemoteIdentity,
            IsInitiator = IsInitiator,
            BaseKey = BaseKey,
            RootKey = RootKey,
            SendingRatchetKey = SendingRatchetKey,
            SendingChainKey = SendingChainKey,
            SendCounter = SendCounter,
            PreviousSendCounter = PreviousSendCounter,
            ReceivingRatchetKey = ReceivingRatchetKey,
            ReceivingChainKey = ReceivingChainKey,
            ReceiveCounter = ReceiveCounter,
            PreviousReceivingChains = [.. PreviousReceivingChains],
            SkippedKeys = SkippedKeys.Clone(),
            PendingPreKey = PendingPreKey,
        };
    }

    /// <summary>Remembers a finished receiving chain; the oldest beyond the bound is forgotten with its skipped keys.</summary>
    public void RetireReceivingChain(byte[] ratchetKey, uint endCounter)
    {
        PreviousReceivingChains.Add(new PreviousReceivingChain(ratchetKey, endCounter));
        if (PreviousReceivingChains.Count > SessionLimits.MaxPreviousReceivingChains)
        {
            SkippedKeys.RemoveChain(PreviousReceivingChains[0].RatchetKey);
            PreviousReceivingChains.RemoveAt(0);
        }
    }

    public PreviousReceivingChain? FindPreviousReceivingChain(ReadOnlySpan<byte> ratchetKey)
    {
        foreach (var chain in PreviousReceivingChains)
        {
            if (ratchetKey.SequenceEqual(chain.RatchetKey))
            {
                return chain;
            }
        }

        return null;
    }
}
