using System.ComponentModel.DataAnnotations;

namespace XChat.Grains.Hosting;

/// <summary>Limits the grains enforce. Bound from the configuration section "XChat:Limits".</summary>
public sealed class XChatGrainOptions
{
    public const string SectionName = "XChat:Limits";

    /// <summary>Largest message payload (shared ciphertext plus all per-device ciphertexts), in bytes. The default is 64 KiB.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Most members a group may have, the owner included. The default is 256.</summary>
    [Range(2, 100_000)]
    public int MaxGroupMembers { get; set; } = 256;

    /// <summary>Most messages one sync or history page returns. The default is 200.</summary>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 200;

    /// <summary>How many recent sends a conversation remembers (a 4-byte fingerprint of each device and client message id, about 20 bytes with its bookkeeping) so that a send that is surely not a retry skips the database lookup. The default is 10,000.</summary>
    [Range(16, 1_000_000)]
    public int RecentSendsRemembered { get; set; } = 10_000;

    /// <summary>How long a gateway's push subscription for a device lives unless refreshed. The default is two minutes.</summary>
    public TimeSpan PushSubscriptionLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Most one-time X25519 prekeys a device may have stored (36 bytes each). An upload that would
    /// exceed it is refused. The default is 100.
    /// </summary>
    [Range(1, 1000)]
    public int MaxOneTimePreKeys { get; set; } = 100;

    /// <summary>
    /// Most one-time ML-KEM-768 prekeys a device may have stored. Each is 1,252 bytes of key, id and
    /// signature (about 1.9 KB as stored), so this bounds the device's grain state, which is rewritten
    /// whenever a bundle takes a key: about 195 KB at the default. An upload that would exceed it is
    /// refused. The default is 100.
    /// </summary>
    [Range(1, 200)]
    public int MaxOneTimeKemPreKeys { get; set; } = 100;

    /// <summary>Most devices a user may have, the first one included; linking one more is refused. The default is 8.</summary>
    [Range(1, 100)]
    public int MaxDevicesPerUser { get; set; } = 8;

    /// <summary>How long a device link code waits for approval. The default is five minutes.</summary>
    public TimeSpan LinkCodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Largest attachment upload (its ciphertext, all chunks together), in bytes. A larger declared
    /// size is refused with PAYLOAD_TOO_LARGE before anything is stored. The default is 100 MiB.
    /// </summary>
    [Range(typeof(long), "1024", "1099511627776")]
    public long MaxAttachmentBytes { get; set; } = 100L * 1024 * 1024;
}
