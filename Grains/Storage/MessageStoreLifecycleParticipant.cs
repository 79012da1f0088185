using Orleans.Runtime;

namespace XChat.Grains.Storage;

/// <summary>
/// Creates the message store's schema while the silo starts, at
/// <see cref="ServiceLifecycleStage.RuntimeStorageServices"/>: after the runtime is up but before
/// application services and before the silo becomes active, so no grain can reach the store
/// before its tables exist. A failure stops the silo from starting.
/// </summary>
internal sealed class MessageStoreLifecycleParticipant(IMessageStore store) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MessageStoreLifecycleParticipant), ServiceLifecycleStage.RuntimeStorageServices, store.InitializeAsync);
}
