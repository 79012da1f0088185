using XChat.Grains.Conversations;

namespace XChat.Grains.Connections;

/// <summary>A committed message on its way to one user's devices: the shared ciphertext and that user's per-device ciphertexts only.</summary>
[GenerateSerializer, Immutable, Alias("xchat.PushedMessage")]
public sealed record PushedMessage(
    [property: Id(0)] MessageEnvelope Message,
    [property: Id(1)] IReadOnlyList<DeviceCiphertext> DeviceCiphertexts);
