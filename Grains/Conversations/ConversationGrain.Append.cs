using XChat.Grains.Connections;
using XChat.Grains.Errors;
using XChat.Grains.Hosting;
using XChat.Grains.Storage;
using XChat.Grains.Users;

namespace XChat.Grains.Conversations;

public sealed partial class ConversationGrain
{
    public const int MaxClientMessageIdLength = 64;

    private readonly List<PendingAppend> _queue = [];
    private readonly Dictionary<ClientMessageKey, PendingAppend> _inFlight = [];
    private readonly Dictionary<string, IUserGrain> _memberGrains = [];
    private RecentSends? _recent;
    private bool _flushing;
    private bool _holdFlush;
    private bool _storeMayHoldOlderSends;
    private bool _recentLoadsOnFirstSend;
    private Task? _recentLoading;

    private RecentSends Recent => _recent ??= new RecentSends(_limits.RecentSendsRemembered);

    // AppendAsync interleaves (see the interface): every await below lets other sends queue up.
    // All of this still runs on the grain's single-threaded scheduler, so the fields need no locks.
    public async Task<AppendResult> AppendAsync(AppendRequest request)
    {
        EnsureMember(request.Sender.UserId);
        EnsureNotBlocked();
        ValidateSend(request);

        var key = new ClientMessageKey(request.Sender.Key, request.ClientMessageId);
        await EnsureRecentLoadedAsync();
        // A retry of a send committed here gets its first result, even if the members' devices
        // changed since. A twin that commits while this one awaits is caught by the commit's lookup.
        if (Recent.MayContain(key) && await FindCommittedAsync(key) is { } known)
        {
            return new AppendResult(known.Seq, known.ServerTimestampMs, Duplicate: true);
        }

        if (request.DeviceCiphertexts.Count > 0)
        {
            await CheckDeviceSetAsync(request);
        }

        if (_inFlight.TryGetValue(key, out var twin))
        {
            var first = await twin.Completion.Task;
            return first with { Duplicate = true };
        }

        var pending = new PendingAppend(request, key);
        _queue.Add(pending);
        _inFlight[key] = pending;
        StartFlushUnlessHeld();
        return await pending.Completion.Task;
    }

    public async Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<AppendRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var appends = new Task<AppendResult>[requests.Count];
        // Queue them all before the first commit starts, so they share it instead of the first one
        // going alone. A send that has to await first (a device-set check) queues itself later.
        _holdFlush = true;
        try
        {
            for (var i = 0; i < requests.Count; i++)
            {
                appends[i] = AppendAsync(requests[i]);
            }
        }
        finally
        {
            _holdFlush = false;
        }

        StartFlushUnlessHeld();
        var outcomes = new AppendOutcome[requests.Count];
        for (var i = 0; i < appends.Length; i++)
        {
            try
            {
                outcomes[i] = new AppendOutcome(await appends[i], null);
            }
            catch (XChatException exception)
            {
                outcomes[i] = new AppendOutcome(null, exception);
            }
        }

        return outcomes;
    }

    private void StartFlushUnlessHeld()
    {
        if (!_flushing && !_holdFlush && _queue.Count > 0)
        {
            _flushing = true;
            _ = FlushAsync();
        }
    }

    private async Task FlushAsync()
    {
        try
        {
            while (_queue.Count > 0)
            {
                var batch = _queue.ToArray();
                _queue.Clear();
                await CommitAsync(batch);
            }
        }
        finally
        {
            _flushing = false;
        }
    }

    private async Task CommitAsync(PendingAppend[] batch)
    {
        List<StoredMessage> rows = new(batch.Length);
        try
        {
            var maybeStored = MaybeStored(batch);
            var stored = maybeStored is null ? null : await store.FindByClientIdsAsync(Id, maybeStored);

            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var expiresAt = ExpiryFor(now);
            var seq = _lastSeq;
            var results = new AppendResult[batch.Length];
            for (var i = 0; i < batch.Length; i++)
            {
                if (stored is not null && stored.TryGetValue(batch[i].Key, out var old))
                {
                    results[i] = new AppendResult(old.Seq, old.ServerTimestampMs, Duplicate: true);
                    continue;
                }

                var request = batch[i].Request;
                rows.Add(new StoredMessage(Id, ++seq, request.Sender, request.ClientMessageId, now,
                    request.SharedCiphertext, request.DeviceCiphertexts, ExpiresAtMs: expiresAt, Silent: request.Silent, Quiet: request.Quiet));
                results[i] = new AppendResult(seq, now, Duplicate: false);
            }

            if (rows.Count > 0)
            {
                await store.AppendAsync(rows);
                XChatMetrics.Appended(rows.Count);
            }

            _lastSeq = seq;
            for (var i = 0; i < batch.Length; i++)
            {
                if (!results[i].Duplicate)
                {
                    Recent.Remember(batch[i].Key);
                }

                _inFlight.Remove(batch[i].Key);
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception exception)
        {
            // Nothing of this batch is acknowledged. Another activation (during a silo failure) may
            // have taken these seqs, so re-read the log's end before the next batch.
            foreach (var pending in batch)
            {
                _inFlight.Remove(pending.Key);
                pending.Completion.TrySetException(exception as StorageUnavailableException
                    ?? new StorageUnavailableException("The message could not be stored; retry."));
            }

            rows.Clear();
            _storeMayHoldOlderSends = true;
            try
            {
                _lastSeq = await store.GetLastSeqAsync(Id);
            }
            catch (Exception)
            {
                // The next batch re-reads nothing and may collide; the store's unique (conversation,
                // seq) then rejects it and this path runs again, so no seq is ever committed twice.
            }
        }

        Push(rows);
    }

    /// <summary>
    /// The batch's sends that may already be in the store, or null when none may be: all of them
    /// when the store may hold sends this activation does not remember (from before it, or
    /// forgotten), else those whose fingerprint matches a remembered send.
    /// </summary>
    private ClientMessageKey[]? MaybeStored(PendingAppend[] batch)
    {
        if (_storeMayHoldOlderSends || Recent.HasForgotten)
        {
            return Array.ConvertAll(batch, static p => p.Key);
        }

        List<ClientMessageKey>? maybe = null;
        foreach (var pending in batch)
        {
            if (Recent.MayContain(pending.Key))
            {
                (maybe ??= []).Add(pending.Key);
            }
        }

        return maybe?.ToArray();
    }

    /// <summary>
    /// Before this activation's first send: when the log is no longer than the recent-sends window,
    /// reads its client ids once, so that every send of the log is remembered and a new send that
    /// matches none needs no lookup, as in a fresh conversation. Otherwise every commit of this
    /// activation would look its sends up in the store. Done on the first send, not on activation:
    /// an activation that only serves reads never needs it.
    /// </summary>
    private Task EnsureRecentLoadedAsync() =>
        _recentLoadsOnFirstSend ? _recentLoading ??= LoadRecentAsync() : Task.CompletedTask;

    private async Task LoadRecentAsync()
    {
        try
        {
            var keys = await store.ReadClientKeysAsync(Id, _limits.RecentSendsRemembered);
            if (keys.Count == _lastSeq) // more rows: another activation is writing; keep looking up
            {
                foreach (var key in keys)
                {
                    Recent.Remember(key);
                }

                _storeMayHoldOlderSends = false;
            }
        }
        catch (Exception)
        {
            // Only a saving is lost: the commits keep looking their sends up in the store.
        }
        finally
        {
            _recentLoadsOnFirstSend = false;
        }
    }

    private async Task<StoredMessageRef?> FindCommittedAsync(ClientMessageKey key)
    {
        var found = await store.FindByClientIdsAsync(Id, [key]);
        return found.TryGetValue(key, out var known) ? known : null;
    }

    private void Push(List<StoredMessage> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        // One one-way call per member per committed batch: a group's fan-out never waits on its
        // members one after another, and a busy conversation pushes many messages per call. Rows
        // with one shared ciphertext read the same for every member: then one array serves them all.
        var forEveryone = rows.TrueForAll(static row => row.DeviceCiphertexts.Count == 0) ? PushesFor(rows, userId: null) : null;
        foreach (var member in state.State.Members)
        {
            MemberGrain(member).PushAsync(forEveryone ?? PushesFor(rows, member)).Ignore();
        }
    }

    private static PushedMessage[] PushesFor(List<StoredMessage> rows, string? userId)
    {
        var messages = new PushedMessage[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            messages[i] = MessageViews.ForUser(rows[i], userId);
        }

        return messages;
    }

    // Resolving a grain reference is not free (the interface type is looked up by reflection), and
    // every commit pushes to every member: keep the members' references.
    private IUserGrain MemberGrain(string userId)
    {
        if (!_memberGrains.TryGetValue(userId, out var grain))
        {
            _memberGrains[userId] = grain = GrainFactory.GetGrain<IUserGrain>(userId);
        }

        return grain;
    }

    /// <summary>
    /// Per-device ciphertexts must address exactly the members' current devices, but the sender's
    /// own: otherwise some device could not read the message (missing) or a ciphertext would be
    /// stored for nobody (extra). The device lists are read from the members' user grains on each
    /// such send rather than cached here: it is one in-memory read per member, in parallel, and a
    /// cache would need invalidation whenever any member links a device. A silent message (a
    /// receipt) is meant for some devices only: it may miss devices, but every one it addresses
    /// must be a current member device (extra otherwise).
    /// </summary>
    private async Task CheckDeviceSetAsync(AppendRequest request)
    {
        var expected = new HashSet<DeviceAddress>(await MemberDevicesAsync());
        expected.Remove(request.Sender);
        var given = new HashSet<DeviceAddress>();
        foreach (var c in request.DeviceCiphertexts)
        {
            if (!given.Add(new DeviceAddress(c.UserId, c.DeviceId)))
            {
                throw new InvalidRequestException("Two ciphertexts are addressed to the same device.");
            }
        }

        if (request.Silent ? !given.IsSubsetOf(expected) : !given.SetEquals(expected))
        {
            throw new MismatchedDevicesException(
                request.Silent ? [] : expected.Except(given).OrderBy(d => d.UserId, StringComparer.Ordinal).ThenBy(d => d.DeviceId).ToArray(),
                given.Except(expected).OrderBy(d => d.UserId, StringComparer.Ordinal).ThenBy(d => d.DeviceId).ToArray());
        }
    }

    /// <summary>Every current device of every member, from the members' user grains (in parallel).</summary>
    private async Task<DeviceAddress[]> MemberDevicesAsync()
    {
        var members = state.State.Members.ToArray();
        var deviceLists = await Task.WhenAll(members.Select(m => MemberGrain(m).GetDeviceIdsAsync()));
        return members.SelectMany((member, i) => deviceLists[i].Select(deviceId => new DeviceAddress(member, deviceId))).ToArray();
    }

    private void ValidateSend(AppendRequest request)
    {
        if (string.IsNullOrEmpty(request.ClientMessageId) || request.ClientMessageId.Length > MaxClientMessageIdLength)
        {
            throw new InvalidRequestException($"A client message id is 1 to {MaxClientMessageIdLength} characters.");
        }

        var size = (long)(request.SharedCiphertext?.Length ?? 0);
        foreach (var c in request.DeviceCiphertexts)
        {
            size += c.Ciphertext.Length;
            if (!state.State.Members.Contains(c.UserId))
            {
                throw new InvalidRequestException("A device ciphertext is addressed to a non-member.");
            }
        }

        if (request.Silent && (request.SharedCiphertext is not null || request.DeviceCiphertexts.Count == 0))
        {
            throw new InvalidRequestException("A silent message carries per-device ciphertexts only.");
        }

        if (size == 0)
        {
            throw new InvalidRequestException("A message carries a shared ciphertext or per-device ciphertexts.");
        }

        if (size > _limits.MaxPayloadBytes)
        {
            throw new PayloadTooLargeException($"A message payload is at most {_limits.MaxPayloadBytes} bytes.");
        }
    }
}
