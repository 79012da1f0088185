namespace XChat.Client.Storage;

public sealed partial class DeviceProfile
{
    private LiveStore? _live;

    /// <summary>Message expiries, attachment pointers and disappearing timers of this profile.</summary>
    public LiveStore Live => _live ??= new LiveStore(_database);
}
