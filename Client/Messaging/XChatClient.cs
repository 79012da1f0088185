using Google.Protobuf;
using XChat.Client.Errors;
using XChat.Client.Keys;
using XChat.Client.Ratchet;
using XChat.Client.Storage;
using XChat.Client.Transport;
using XChat.Client.Verification;
using XChat.Protocol;
using KeysBundle = XChat.Client.Keys.PreKeyBundle;
using WireBundle = XChat.Protocol.PreKeyBundle;

namespace XChat.Client.Messaging;

/// <summary>
/// The end-to-end encrypted messenger over one device profile and one server connection: registers
/// a device with its prekeys, sends text to a handle (one Double Ratchet ciphertext per recipient
/// device and per own other device), syncs and decrypts, keeps the history in the profile.
/// Calls are serialized (sessions must not be used concurrently).
/// </summary>
public sealed partial class XChatClient : IAsyncDisposable
{
    /// <summary>One-time X25519 prekeys uploaded at registration and per replenishment.</summary>
    public const int OneTimePreKeyBatch = 20;

    /// <summary>One-time ML-KEM prekeys uploaded at registration and per replenishment.</summary>
    public const int KemOneTimePreKeyBatch = 10;

    /// <summary>Below this many one-time keys of a kind left on the server, a new batch is uploaded.</summary>
    public const int ReplenishThreshold = 5;

    private const int MaxSendAttempts = 3;

    private readonly DeviceProfile _profile;
    private readonly XChatConnection _connection;
    private readonly ClientSettings _settings;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, LookupUserResult> _deviceLists = new(StringComparer.Ordinal);
    private int _disposed;
    private int _mismatchedDeviceRetries;

    // Messages a group send decrypted while catching up on its group; the next SyncAsync returns them.
    private readonly List<ChatMessage> _caughtUpMessages = [];
    private readonly List<MessageFailure> _caughtUpFailures = [];

    private XChatClient(DeviceProfile profile, XChatConnection connection, ClientSettings settings)
    {
        _profile = profile;
        _connection = connection;
        _settings = settings;
    }

    public string Handle => _settings.Handle;

    public string UserId => _settings.UserId ?? throw new InvalidOperationException("Not registered.");

    public uint DeviceId => _settings.DeviceId;

    public Uri Server => _settings.ServerUri;

    /// <summary>The raw connection, for diagnostics and tests.</summary>
    public XChatConnection Connection => _connection;

    /// <summary>The profile the client keeps its keys, sessions and history in.</summary>
    public DeviceProfile Profile => _profile;

    /// <summary>How many sends were retried because the server answered MISMATCHED_DEVICES (diagnostics).</summary>
    public int MismatchedDeviceRetries => Volatile.Read(ref _mismatchedDeviceRetries);

    /// <summary>True when <paramref name="profileDirectory"/> holds a registered profile.</summary>
    public static bool Exists(string profileDirectory) =>
        File.Exists(Path.Combine(profileDirectory, ClientSettings.FileName)) && File.Exists(Path.Combine(profileDirectory, DeviceProfile.DatabaseFileName));

    /// <summary>
    /// Creates a profile in <paramref name="profileDirectory"/>, registers <paramref name="handle"/> on
    /// <paramref name="server"/> and uploads a signed X25519 prekey, <see cref="OneTimePreKeyBatch"/> one-time
    /// X25519 prekeys, a signed ML-KEM last-resort prekey and <see cref="KemOneTimePreKeyBatch"/> one-time
    /// ML-KEM prekeys (private halves in the profile first).
    /// </summary>
    public static Task<XChatClient> RegisterAsync(Uri server, string profileDirectory, string handle, string? passphrase = null, XChatConnectionOptions? options = null, CancellationToken cancellationToken = default) =>
        EnrollAsync(server, profileDirectory, handle, passphrase, options, async (connection, _) =>
        {
            try
            {
                var registered = await connection.RegisterAsync(handle, cancellationToken).ConfigureAwait(false);
                return (registered.UserId, registered.DeviceId);
            }
            catch (XChatServerException e) when (e.Code == ErrorCode.HandleTaken)
            {
                throw new XChatClientException($"The handle '{handle}' is already taken.", e);
            }
            catch (XChatServerException e) when (e.Code == ErrorCode.BadRequest)
            {
                throw new XChatClientException($"The server refused the handle '{handle}' (3..32 characters of a-z, 0-9 and _).", e);
            }
        }, cancellationToken);

    /// <summary>Opens the profile in <paramref name="profileDirectory"/> and logs in to the server it remembers.</summary>
    public static async Task<XChatClient> OpenAsync(string profileDirectory, string? passphrase = null, XChatConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(profileDirectory);
        var settings = ClientSettings.Load(profileDirectory);
        if (settings?.UserId is null || !File.Exists(Path.Combine(profileDirectory, DeviceProfile.DatabaseFileName)))
        {
            throw new XChatClientException($"There is no registered profile in {profileDirectory} (run 'xchat register' first).");
        }

        DeviceProfile profile;
        try
        {
            profile = DeviceProfile.Open(profileDirectory, passphrase);
        }
        catch (WrongPassphraseException e)
        {
            throw new XChatClientException("The passphrase (or key file) does not open this profile.", e);
        }

        try
        {
            MoveLegacyReceiptCursors(profile, settings);
            var identity = await profile.Identities.GetIdentityKeyPairAsync().ConfigureAwait(false);
            var deviceIdentity = new DeviceIdentity(identity.Signing, identity.Agreement, settings.UserId, settings.DeviceId);
            XChatConnection connection;
            try
            {
                connection = await XChatConnection.ConnectAsync(settings.ServerUri, deviceIdentity, options, cancellationToken).ConfigureAwait(false);
            }
            catch (XChatServerException e) when (e.Code == ErrorCode.AuthFailed)
            {
                throw new XChatClientException("The server does not accept this device's login.", e);
            }
            catch (Exception e) when (e is not OperationCanceledException and not XChatServerException)
            {
                throw new XChatClientException($"Cannot reach the server at {settings.Server}: {e.Message}", e);
            }

            return new XChatClient(profile, connection, settings);
        }
        catch
        {
            profile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds this machine as a new device of the existing user <paramref name="handle"/>: generates an identity,
    /// asks the server for a link code and hands it to <paramref name="onCode"/> (to show, and to approve on a
    /// device the user already has), then waits for the approval. Once approved the profile is created in
    /// <paramref name="profileDirectory"/> and the device's prekeys are uploaded, as at registration.
    /// </summary>
    public static Task<XChatClient> LinkAsync(Uri server, string profileDirectory, string handle, Func<DeviceLinkCode, Task> onCode, string? passphrase = null, XChatConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onCode);
        return EnrollAsync(server, profileDirectory, handle, passphrase, options, async (connection, identity) =>
        {
            try
            {
                var pending = await connection.StartLinkAsync(handle, cancellationToken).ConfigureAwait(false);
                await onCode(new DeviceLinkCode(pending.Code, pending.ExpiresAt, KeyFingerprint(identity.PublicKey.SigningKey, identity.PublicKey.AgreementKey))).ConfigureAwait(false);
                var linked = await pending.Approved.WaitAsync(cancellationToken).ConfigureAwait(false);
                return (linked.UserId, linked.DeviceId);
            }
            catch (XChatServerException e) when (e.Code is ErrorCode.NotFound)
            {
                throw new XChatClientException($"The link was not approved: no user '{handle}', or the code expired.", e);
            }
            catch (XChatServerException e) when (e.Code is ErrorCode.InvalidState)
            {
                throw new XChatClientException("The server refused the link request in this state.", e);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// What registration and linking share: a new identity, a connection, the server's enrollment
    /// (<paramref name="enroll"/> gives the user and device ids), then the profile, its settings and
    /// the first prekeys. Nothing is left behind when a step fails.
    /// </summary>
    private static async Task<XChatClient> EnrollAsync(
        Uri server, string profileDirectory, string handle, string? passphrase, XChatConnectionOptions? options,
        Func<XChatConnection, IdentityKeyPair, Task<(string UserId, uint DeviceId)>> enroll, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(profileDirectory);
        ArgumentException.ThrowIfNullOrEmpty(handle);
        if (File.Exists(Path.Combine(profileDirectory, ClientSettings.FileName)) || File.Exists(Path.Combine(profileDirectory, DeviceProfile.DatabaseFileName)))
        {
            throw new XChatClientException($"A profile already exists in {profileDirectory}.");
        }

        var identity = IdentityKeyPair.Generate();
        var deviceIdentity = new DeviceIdentity(identity.Signing, identity.Agreement);
        XChatConnection connection;
        try
        {
            connection = await XChatConnection.ConnectAsync(server, deviceIdentity, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new XChatClientException($"Cannot reach the server at {server}: {e.Message}", e);
        }

        DeviceProfile? profile = null;
        try
        {
            var (userId, deviceId) = await enroll(connection, identity).ConfigureAwait(false);
            profile = DeviceProfile.Create(profileDirectory, identity, passphrase);
            var settings = new ClientSettings
            {
                Server = server.ToString(),
                Handle = handle,
                UserId = userId,
                DeviceId = deviceId,
            };
            settings.Save(profileDirectory);
            var client = new XChatClient(profile, connection, settings);
            await client.UploadInitialPreKeysAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            profile?.Dispose();
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// On a device of this user: reads the pending link <paramref name="code"/>, checks the new device's key
    /// binding, lets <paramref name="confirm"/> compare the fingerprint (approves when null), signs the new
    /// keys and approves. Returns the new device's id.
    /// </summary>
    public async Task<LinkApproval> ApproveLinkAsync(string code, Func<DeviceLinkCode, Task<bool>>? confirm = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        var canonical = code.Trim().ToUpperInvariant();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            PendingLinkInfo link;
            try
            {
                link = await _connection.GetLinkAsync(canonical, cancellationToken).ConfigureAwait(false);
            }
            catch (XChatServerException e) when (e.Code is ErrorCode.NotFound)
            {
                throw new XChatClientException($"There is no pending link with the code '{canonical}' (unknown or expired).", e);
            }
            catch (XChatServerException e) when (e.Code is ErrorCode.Forbidden)
            {
                throw new XChatClientException($"The link '{canonical}' is for another user.", e);
            }

            try
            {
                // Throws when the agreement key is not bound to the signing key.
                _ = new IdentityKey(link.IdentitySigningKey.Span, link.IdentityAgreementKey.Span, link.AgreementKeySignature.Span);
            }
            catch (InvalidKeyException e)
            {
                throw new XChatClientException("The pending device's keys are malformed; not approving.", e);
            }

            var shown = new DeviceLinkCode(link.Code, DateTimeOffset.FromUnixTimeMilliseconds(link.ExpiresMs), KeyFingerprint(link.IdentitySigningKey.Span, link.IdentityAgreementKey.Span));
            if (confirm is not null && !await confirm(shown).ConfigureAwait(false))
            {
                throw new XChatClientException("The link was not approved.");
            }

            LinkResult result;
            try
            {
                result = await _connection.ApproveLinkAsync(link, cancellationToken).ConfigureAwait(false);
            }
            catch (XChatServerException e) when (e.Code is ErrorCode.LimitExceeded)
            {
                throw new XChatClientException("This user already has the most devices the server allows.", e);
            }
            catch (XChatServerException e) when (e.Code is ErrorCode.NotFound)
            {
                throw new XChatClientException($"The link '{canonical}' expired before it was approved.", e);
            }

            _deviceLists.Remove(Handle);
            return new LinkApproval(shown, result.DeviceId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A short fingerprint of a device's identity keys, shown on both devices while linking.</summary>
    public static string KeyFingerprint(ReadOnlySpan<byte> signingKey, ReadOnlySpan<byte> agreementKey)
    {
        var hash = System.Security.Cryptography.SHA256.HashData([.. "xchat-link-fingerprint-v1"u8, .. signingKey, .. agreementKey]);
        var hex = Convert.ToHexString(hash.AsSpan(0, 10));
        return string.Join(' ', Enumerable.Range(0, 5).Select(i => hex.Substring(i * 4, 4)));
    }

    /// <summary>
    /// Encrypts <paramref name="text"/> for every device of <paramref name="handle"/> and every other device
    /// of this user, sends it in their direct conversation and stores it in the history.
    /// </summary>
    public async Task<ChatMessage> SendTextAsync(string handle, string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(handle);
        ArgumentNullException.ThrowIfNull(text);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var sentAt = DateTimeOffset.UtcNow;
            var body = MessageBody.ForText(text, Handle, sentAt);
            var (conversation, seq) = await SendDirectLockedAsync(handle, body, cancellationToken).ConfigureAwait(false);
            var stored = new StoredMessage(conversation, seq, UserId, text, sentAt);
            await _profile.Messages.AddAsync(stored).ConfigureAwait(false);
            return OnSentLocked(new ChatMessage(conversation, stored.Seq, UserId, Handle, text, sentAt), body, serverTimestampMs: null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Encrypts <paramref name="body"/> for every device of <paramref name="handle"/> and every other device of
    /// this user and sends it in their direct conversation (referencing <paramref name="attachmentIds"/>, uploads
    /// of this user in it). Returns the conversation and the seq.
    /// </summary>
    private async Task<(string Conversation, long Seq)> SendDirectLockedAsync(string handle, MessageBody body, CancellationToken cancellationToken,
        IReadOnlyList<string>? attachmentIds = null)
    {
        var plaintext = body.Serialize();
        var clientMessageId = XChatConnection.NewClientMessageId();
        for (var attempt = 1; ; attempt++)
        {
            // Device lists are remembered between sends; a MISMATCHED_DEVICES answer drops them.
            var peer = await DeviceListAsync(handle, cancellationToken).ConfigureAwait(false);
            if (peer.UserId == UserId)
            {
                throw new XChatClientException("Sending to yourself is not supported; your other devices get a copy of every message you send.");
            }

            await EnsureTrustedLockedAsync(peer).ConfigureAwait(false);
            var conversation = await DirectConversationAsync(peer.UserId, cancellationToken).ConfigureAwait(false);
            var own = await DeviceListAsync(Handle, cancellationToken).ConfigureAwait(false);
            var targets = peer.Devices.Select(d => (peer.UserId, Device: d))
                .Concat(own.Devices.Where(d => d.DeviceId != DeviceId).Select(d => (own.UserId, Device: d)))
                .ToList();
            if (targets.Count == 0)
            {
                throw new XChatClientException($"'{handle}' has no devices.");
            }

            var request = new SendRequest { ConversationId = conversation, ClientMessageId = clientMessageId, Quiet = body.IsQuiet };
            request.AttachmentIds.AddRange(attachmentIds ?? []);
            await AddDeviceCiphertextsAsync(request, targets, plaintext, cancellationToken).ConfigureAwait(false);

            SendResult result;
            try
            {
                result = await _connection.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (XChatServerException e) when (attempt < MaxSendAttempts && IsMismatchedDevices(e))
            {
                // The device list changed since the lookup: look again and re-encrypt (the same
                // client message id, so a send that did commit is not stored twice).
                _deviceLists.Remove(handle);
                _deviceLists.Remove(Handle);
                Interlocked.Increment(ref _mismatchedDeviceRetries);
                continue;
            }
            catch (XChatServerException e) when (e.Code == ErrorCode.Blocked)
            {
                throw new XChatClientException($"Messages between you and '{handle}' are blocked.", e);
            }

            return (conversation, (long)result.Seq);
        }
    }

    /// <summary>
    /// Fetches every conversation's messages after the profile's cursor, decrypts and stores them, acknowledges
    /// them, and tops up the one-time prekeys when few are left. A message that fails is skipped with a
    /// <see cref="MessageFailure"/>; the cursor moves past it either way.
    /// </summary>
    public async Task<SyncResult> SyncAsync(CancellationToken cancellationToken = default)
    {
        var messages = new List<ChatMessage>();
        var failures = new List<MessageFailure>();
        List<ReceiptUpdate> receipts;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // What a group send caught up on first (see SyncConversationLockedAsync) comes out here.
            messages.AddRange(_caughtUpMessages);
            failures.AddRange(_caughtUpFailures);
            _caughtUpMessages.Clear();
            _caughtUpFailures.Clear();
            DeleteExpiredMessages();
            var conversations = await _connection.ListConversationsAsync(cancellationToken).ConfigureAwait(false);
            foreach (var conversation in conversations)
            {
                RememberDirect(conversation);
                RememberTimer(conversation);
                await SyncConversationLockedAsync(conversation, messages, failures, cancellationToken).ConfigureAwait(false);
            }

            receipts = await CollectReceiptUpdatesLockedAsync(conversations, cancellationToken).ConfigureAwait(false);
            await ReplenishPreKeysLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        return new SyncResult(messages, failures) { Receipts = receipts };
    }

    /// <summary>Fetches, decrypts and acknowledges one conversation's messages after the sync cursor.</summary>
    private async Task SyncConversationLockedAsync(ConversationInfo conversation, List<ChatMessage> messages, List<MessageFailure> failures, CancellationToken cancellationToken)
    {
        var cursor = _settings.SyncCursors.GetValueOrDefault(conversation.ConversationId);
        if (cursor >= conversation.LastSeq)
        {
            return;
        }

        var last = cursor;
        var receipt = new DeliveryReceipt();
        while (true)
        {
            var page = await _connection.SyncAsync(conversation.ConversationId, last, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var envelope in page.Messages)
            {
                await ProcessLockedAsync(envelope, messages, failures, cancellationToken).ConfigureAwait(false);
                last = Math.Max(last, envelope.Seq);
                receipt.Add(envelope, UserId);
            }

            _settings.SyncCursors[conversation.ConversationId] = last;
            _settings.Save(_profile.Directory);
            if (!page.HasMore || page.Messages.Count == 0)
            {
                break;
            }
        }

        if (last > cursor)
        {
            await _connection.AckAsync(conversation.ConversationId, last, cancellationToken).ConfigureAwait(false);
        }

        await SendDeliveryReceiptLockedAsync(conversation, receipt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Decrypts and stores one envelope however it arrived (a push, a sync page, in any order). Null when it
    /// was this device's own message or failed; failures land in <paramref name="failures"/> when given.
    /// </summary>
    public async Task<ChatMessage?> ProcessEnvelopeAsync(Envelope envelope, ICollection<MessageFailure>? failures = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var messages = new List<ChatMessage>();
        var failed = new List<MessageFailure>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ProcessLockedAsync(envelope, messages, failed, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        foreach (var failure in failed)
        {
            failures?.Add(failure);
        }

        return messages.SingleOrDefault();
    }

    /// <summary>The stored history of the direct conversation with <paramref name="handle"/>, oldest first.</summary>
    public async Task<IReadOnlyList<ChatMessage>> HistoryAsync(string handle, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(handle);
        var userId = await _profile.Contacts.GetUserIdAsync(handle).ConfigureAwait(false)
            ?? (await LookupAsync(handle, cancellationToken).ConfigureAwait(false)).UserId;
        if (!_settings.DirectConversations.TryGetValue(userId, out var conversation))
        {
            return [];
        }

        return await StoredHistoryAsync(conversation, groupName: null).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<ChatMessage>> StoredHistoryAsync(string conversation, string? groupName)
    {
        DeleteExpiredMessages();
        var result = new List<ChatMessage>();
        long after = 0;
        while (true)
        {
            var page = await _profile.Messages.GetAsync(conversation, after).ConfigureAwait(false);
            foreach (var m in page)
            {
                var message = new ChatMessage(m.Conversation, m.Seq, m.Sender, await DisplayNameAsync(m.Sender).ConfigureAwait(false), m.Text, m.SentAt, groupName);
                result.Add(WithLiveDetails(await WithContentStateAsync(message).ConfigureAwait(false)));
            }

            if (page.Count == 0)
            {
                return result;
            }

            after = page[^1].Seq;
        }
    }

    /// <summary>The 60-digit safety number of this user and <paramref name="handle"/>, over every device key of both.</summary>
    public async Task<SafetyNumber> SafetyNumberAsync(string handle, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(handle);
        var peer = await LookupAsync(handle, cancellationToken).ConfigureAwait(false);
        var own = await LookupAsync(Handle, cancellationToken).ConfigureAwait(false);
        return SafetyNumber.Compute(Handle, own.Devices.Select(ToIdentityKey), peer.Handle, peer.Devices.Select(ToIdentityKey));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
        _profile.Dispose();
        _gate.Dispose();
    }

    private async Task ProcessLockedAsync(Envelope envelope, List<ChatMessage> messages, List<MessageFailure> failures, CancellationToken cancellationToken)
    {
        var conversation = envelope.ConversationId;
        var seq = (long)envelope.Seq;
        if (envelope.Silent)
        {
            // A receipt: recorded, never stored or shown as a message (XChatClient.Receipts.cs).
            await ProcessSilentLockedAsync(envelope, failures).ConfigureAwait(false);
            return;
        }

        if (await TakeExpiryLockedAsync(envelope).ConfigureAwait(false))
        {
            return; // erased on the server: the local copy is gone too
        }

        if (envelope.SenderUserId == UserId && envelope.SenderDeviceId == DeviceId)
        {
            // Stored when it was sent.
            return;
        }

        if ((await _profile.Messages.GetAsync(conversation, seq - 1, 1).ConfigureAwait(false)) is [{ } stored] && stored.Seq == seq)
        {
            // Handled already (pushed earlier, or a sync interrupted before it saved its cursor).
            return;
        }

        if (envelope.ConversationId.StartsWith("g_", StringComparison.Ordinal))
        {
            await ProcessGroupLockedAsync(envelope, messages, failures, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (envelope.Deleted)
        {
            await ProcessTombstoneLockedAsync(envelope, messages, groupName: null).ConfigureAwait(false);
            return;
        }

        MessageFailure Fail(MessageFailureKind kind, string detail) => new(conversation, seq, envelope.SenderUserId, envelope.SenderDeviceId, kind, detail);

        var (plaintext, failure) = await DecryptPairwiseLockedAsync(envelope).ConfigureAwait(false);
        MessageBody? body = null;
        if (plaintext is not null)
        {
            try
            {
                body = MessageBody.Parse(plaintext);
            }
            catch (FormatException e)
            {
                failure = Fail(MessageFailureKind.UnsupportedBody, e.Message);
            }
        }

        if (body is null)
        {
            failures.Add(failure ?? Fail(MessageFailureKind.InvalidMessage, "Unreadable message."));
            await _profile.Messages.AdvanceCursorAsync(conversation, seq).ConfigureAwait(false);
            return;
        }

        var from = await VerifySenderHandleAsync(envelope.SenderUserId, body.From, cancellationToken).ConfigureAwait(false);
        if (envelope.SenderUserId != UserId && !_settings.DirectConversations.ContainsKey(envelope.SenderUserId))
        {
            _settings.DirectConversations[envelope.SenderUserId] = conversation;
            _settings.Save(_profile.Directory);
        }

        await DeliverBodyLockedAsync(envelope, from, body, groupName: null, messages, failures).ConfigureAwait(false);
    }

    /// <summary>Decrypts the envelope's ciphertext for this device under the pairwise session with its sending device; the failure when that fails.</summary>
    private async Task<(byte[]? Plaintext, MessageFailure? Failure)> DecryptPairwiseLockedAsync(Envelope envelope)
    {
        MessageFailure Fail(MessageFailureKind kind, string detail) =>
            new(envelope.ConversationId, (long)envelope.Seq, envelope.SenderUserId, envelope.SenderDeviceId, kind, detail);

        if (envelope.DeviceCiphertext.IsEmpty)
        {
            return (null, Fail(MessageFailureKind.NotAddressedToThisDevice, "The message carries no ciphertext for this device."));
        }

        var sender = new ProtocolAddress(envelope.SenderUserId, envelope.SenderDeviceId);
        try
        {
            var message = DeviceCiphertextFrame.Read(envelope.DeviceCiphertext.Span);
            return (await new SessionCipher(_profile.Stores, sender).DecryptAsync(message).ConfigureAwait(false), null);
        }
        catch (DuplicateMessageException e)
        {
            return (null, Fail(MessageFailureKind.DuplicateMessage, e.Message));
        }
        catch (NoSessionException e)
        {
            return (null, Fail(MessageFailureKind.NoSession, e.Message));
        }
        catch (UntrustedIdentityException e)
        {
            return (null, Fail(MessageFailureKind.UntrustedIdentity, e.Message));
        }
        catch (Exception e) when (e is InvalidKeyIdException or InvalidKeyException)
        {
            return (null, Fail(MessageFailureKind.InvalidKey, e.Message));
        }
        catch (InvalidMessageException e)
        {
            return (null, Fail(MessageFailureKind.InvalidMessage, e.Message));
        }
        catch (SessionException e)
        {
            return (null, Fail(MessageFailureKind.InvalidMessage, e.Message));
        }
    }

    /// <summary>The sender's handle: from the contacts, or the handle the message states once the server confirms it names that user.</summary>
    private async Task<string> VerifySenderHandleAsync(string userId, string? claimed, CancellationToken cancellationToken)
    {
        if (userId == UserId)
        {
            return Handle;
        }

        var known = await _profile.Contacts.GetHandleAsync(userId).ConfigureAwait(false);
        if (known is not null || string.IsNullOrEmpty(claimed))
        {
            return known ?? userId;
        }

        try
        {
            var user = await _connection.LookupUserAsync(claimed, cancellationToken).ConfigureAwait(false);
            if (user.UserId == userId)
            {
                await _profile.Contacts.SetAsync(user.Handle, userId).ConfigureAwait(false);
                return user.Handle;
            }
        }
        catch (XChatServerException e) when (e.Code == ErrorCode.NotFound)
        {
        }

        return userId;
    }

    private async Task<string> DisplayNameAsync(string userId) =>
        userId == UserId ? Handle : await _profile.Contacts.GetHandleAsync(userId).ConfigureAwait(false) ?? userId;

    /// <summary>The remembered device list of <paramref name="handle"/>, looked up when there is none.</summary>
    private async Task<LookupUserResult> DeviceListAsync(string handle, CancellationToken cancellationToken)
    {
        if (_deviceLists.TryGetValue(handle, out var known))
        {
            return known;
        }

        var user = await LookupAsync(handle, cancellationToken).ConfigureAwait(false);
        _deviceLists[handle] = user;
        return user;
    }

    private async Task<LookupUserResult> LookupAsync(string handle, CancellationToken cancellationToken)
    {
        LookupUserResult user;
        try
        {
            user = await _connection.LookupUserAsync(handle, cancellationToken).ConfigureAwait(false);
        }
        catch (XChatServerException e) when (e.Code is ErrorCode.NotFound or ErrorCode.BadRequest)
        {
            throw new XChatClientException($"There is no user '{handle}'.", e);
        }

        if (user.UserId != UserId)
        {
            await _profile.Contacts.SetAsync(user.Handle, user.UserId).ConfigureAwait(false);
        }

        return user;
    }

    private async Task<string> DirectConversationAsync(string peerUserId, CancellationToken cancellationToken)
    {
        if (_settings.DirectConversations.TryGetValue(peerUserId, out var known))
        {
            return known;
        }

        var conversation = await _connection.CreateDirectAsync(peerUserId, cancellationToken).ConfigureAwait(false);
        _settings.DirectConversations[peerUserId] = conversation.ConversationId;
        _settings.Save(_profile.Directory);
        return conversation.ConversationId;
    }

    private void RememberDirect(ConversationInfo conversation)
    {
        if (conversation.Kind != ConversationKind.Direct)
        {
            return;
        }

        var peer = conversation.MemberUserIds.FirstOrDefault(m => m != UserId);
        if (peer is not null && !_settings.DirectConversations.ContainsKey(peer))
        {
            _settings.DirectConversations[peer] = conversation.ConversationId;
            _settings.Save(_profile.Directory);
        }
    }

    /// <summary>Encrypts <paramref name="plaintext"/> for each target device in its pairwise session (starting one when needed) and adds the ciphertexts to <paramref name="request"/>.</summary>
    private async Task AddDeviceCiphertextsAsync(SendRequest request, IEnumerable<(string UserId, DeviceInfo Device)> targets, byte[] plaintext, CancellationToken cancellationToken)
    {
        foreach (var (userId, device) in targets)
        {
            var address = new ProtocolAddress(userId, device.DeviceId);
            await EnsureSessionAsync(address, device, cancellationToken).ConfigureAwait(false);
            var message = await new SessionCipher(_profile.Stores, address).EncryptAsync(plaintext).ConfigureAwait(false);
            request.DeviceCiphertexts.Add(new DeviceCiphertext { UserId = userId, DeviceId = device.DeviceId, Ciphertext = ByteString.CopyFrom(DeviceCiphertextFrame.Write(message)) });
        }
    }

    /// <summary>Starts a session from a fresh bundle unless one exists; the bundle's identity must be the one the lookup showed.</summary>
    private async Task EnsureSessionAsync(ProtocolAddress address, DeviceInfo device, CancellationToken cancellationToken)
    {
        var record = await _profile.Stores.Sessions.LoadSessionAsync(address).ConfigureAwait(false);
        if (record?.CurrentState is not null)
        {
            return;
        }

        var wire = await FetchBundleAsync(address, cancellationToken).ConfigureAwait(false);

        var bundle = ToBundle(wire);
        if (!bundle.IdentityKey.Equals(ToIdentityKey(device)))
        {
            throw new InvalidKeyException($"The bundle of {address} does not carry the identity key the lookup showed.");
        }

        await new SessionBuilder(_profile.Stores, address).ProcessPreKeyBundleAsync(bundle).ConfigureAwait(false);
    }

    /// <summary>
    /// How long a device that the server lists but that has no prekeys yet is waited for. A device
    /// is listed from the moment its link is approved and uploads its first prekeys right after
    /// logging in, so a send in that gap waits a moment instead of failing.
    /// </summary>
    internal static readonly TimeSpan NewDevicePreKeyWait = TimeSpan.FromSeconds(10);

    /// <summary>The longest RATE_LIMITED wait on a prekey fetch that is waited out rather than reported.</summary>
    internal static readonly TimeSpan PreKeyRateLimitWait = TimeSpan.FromSeconds(5);

    private async Task<WireBundle> FetchBundleAsync(ProtocolAddress address, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await _connection.GetPreKeyBundleAsync(address.Name, address.DeviceId, cancellationToken).ConfigureAwait(false);
            }
            catch (XChatServerException e) when (e.Code == ErrorCode.NotFound)
            {
                if (waited.Elapsed + delay > NewDevicePreKeyWait)
                {
                    throw new XChatClientException($"Device {address} has no prekeys on the server.", e);
                }
            }
            catch (XChatServerException e) when (e.Code == ErrorCode.RateLimited && e.RetryAfter <= PreKeyRateLimitWait)
            {
                // Starting sessions with a large group at once can outrun the fetch limit: wait as told.
                await Task.Delay(e.RetryAfter, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    private async Task UploadInitialPreKeysAsync(CancellationToken cancellationToken)
    {
        var identity = await _profile.Identities.GetIdentityKeyPairAsync().ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var signed = SignedPreKeyRecord.Generate(identity, new SignedPreKeyId(1), now);
        var lastResort = KyberPreKeyRecord.Generate(identity, new KyberPreKeyId(1), isLastResort: true, now);
        await _profile.Stores.SignedPreKeys.StoreSignedPreKeyAsync(signed).ConfigureAwait(false);
        await _profile.Stores.KyberPreKeys.StoreKyberPreKeyAsync(lastResort).ConfigureAwait(false);
        _settings.SignedPreKeyId = 1;
        _settings.NextKyberPreKeyId = 2;
        var request = new UploadPreKeysRequest
        {
            SignedPreKey = new SignedPreKey { KeyId = signed.Id.Value, PublicKey = ByteString.CopyFrom(signed.KeyPair.PublicKey), Signature = ByteString.CopyFrom(signed.Signature) },
            KemLastResortPreKey = ToWire(lastResort),
        };
        await AddOneTimeKeysAsync(request, identity, OneTimePreKeyBatch, KemOneTimePreKeyBatch, now).ConfigureAwait(false);
        await _connection.UploadPreKeysAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReplenishPreKeysLockedAsync(CancellationToken cancellationToken)
    {
        var counts = await _connection.GetPreKeyCountsAsync(cancellationToken).ConfigureAwait(false);
        var oneTime = counts.OneTimePreKeys < ReplenishThreshold ? OneTimePreKeyBatch : 0;
        var kem = counts.KemOneTimePreKeys < ReplenishThreshold ? KemOneTimePreKeyBatch : 0;
        if (oneTime == 0 && kem == 0)
        {
            return;
        }

        var identity = await _profile.Identities.GetIdentityKeyPairAsync().ConfigureAwait(false);
        var request = new UploadPreKeysRequest();
        await AddOneTimeKeysAsync(request, identity, oneTime, kem, DateTimeOffset.UtcNow).ConfigureAwait(false);
        await _connection.UploadPreKeysAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Generates and stores one-time keys with fresh ids (the ids are saved before the upload, so none is reused).</summary>
    private async Task AddOneTimeKeysAsync(UploadPreKeysRequest request, IdentityKeyPair identity, int oneTime, int kem, DateTimeOffset now)
    {
        var preKeys = PreKeyRecord.GenerateBatch(new PreKeyId(_settings.NextPreKeyId), oneTime);
        var kemKeys = KyberPreKeyRecord.GenerateOneTimeBatch(identity, new KyberPreKeyId(_settings.NextKyberPreKeyId), kem, now);
        _settings.NextPreKeyId = unchecked(_settings.NextPreKeyId + (uint)oneTime);
        _settings.NextKyberPreKeyId = unchecked(_settings.NextKyberPreKeyId + (uint)kem);
        _settings.Save(_profile.Directory);
        foreach (var key in preKeys)
        {
            await _profile.Stores.PreKeys.StorePreKeyAsync(key).ConfigureAwait(false);
            request.OneTimePreKeys.Add(new OneTimePreKey { KeyId = key.Id.Value, PublicKey = ByteString.CopyFrom(key.KeyPair.PublicKey) });
        }

        foreach (var key in kemKeys)
        {
            await _profile.Stores.KyberPreKeys.StoreKyberPreKeyAsync(key).ConfigureAwait(false);
            request.KemOneTimePreKeys.Add(ToWire(key));
        }
    }

    private static KemPreKey ToWire(KyberPreKeyRecord key) =>
        new() { KeyId = key.Id.Value, PublicKey = ByteString.CopyFrom(key.KeyPair.PublicKey), Signature = ByteString.CopyFrom(key.Signature) };

    private static IdentityKey ToIdentityKey(DeviceInfo device) =>
        new(device.IdentitySigningKey.Span, device.IdentityAgreementKey.Span, device.AgreementKeySignature.Span);

    private static KeysBundle ToBundle(WireBundle wire)
    {
        if (wire.SignedPreKey is null || wire.KemPreKey is null)
        {
            throw new InvalidKeyException("The prekey bundle lacks its signed or KEM prekey.");
        }

        return new KeysBundle(
            wire.DeviceId,
            new IdentityKey(wire.IdentitySigningKey.Span, wire.IdentityAgreementKey.Span, wire.AgreementKeySignature.Span),
            new SignedPreKeyId(wire.SignedPreKey.KeyId),
            wire.SignedPreKey.PublicKey.ToByteArray(),
            wire.SignedPreKey.Signature.ToByteArray(),
            wire.OneTimePreKey is null ? null : new PreKeyId(wire.OneTimePreKey.KeyId),
            wire.OneTimePreKey?.PublicKey.ToByteArray(),
            new KyberPreKeyId(wire.KemPreKey.KeyId),
            wire.KemPreKey.PublicKey.ToByteArray(),
            wire.KemPreKey.Signature.ToByteArray(),
            wire.KemPreKeyIsLastResort);
    }

    /// <summary>The server's "mismatched devices" answer to a send: the device set changed, look it up again.</summary>
    private static bool IsMismatchedDevices(XChatServerException e) => e.Code == ErrorCode.MismatchedDevices;
}

/// <summary>A link code to show on the new device, when it expires, and the fingerprint of the new device's keys.</summary>
public sealed record DeviceLinkCode(string Code, DateTimeOffset ExpiresAt, string Fingerprint);

/// <summary>An approved link: what was approved and the new device's id.</summary>
public sealed record LinkApproval(DeviceLinkCode Link, uint DeviceId);
