using System.Net.WebSockets;
using XChat.Protocol;

namespace XChat.Client.Transport;

/// <summary>One WebSocket's life inside an <see cref="XChatConnection"/>: its socket, its waiting requests and its challenge.</summary>
internal sealed class ConnectionSession(FrameSocket socket) : IDisposable
{
    private int _challengeUsed;
    private volatile bool _authenticated;

    public FrameSocket Socket { get; } = socket;

    public PendingRequests Pending { get; } = new();

    /// <summary>Cancelled when the session ends; stops its ping loop.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>Completes with the server's close code (if any) when the receive loop ends.</summary>
    public TaskCompletionSource<WebSocketCloseStatus?> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsClosed => Closed.Task.IsCompleted;

    public Welcome? Welcome { get; set; }

    public bool IsAuthenticated => _authenticated;

    public LoginResult? Login { get; private set; }

    /// <summary>Claims the single-use challenge; false when a register or login already consumed it.</summary>
    public bool TryUseChallenge() => Interlocked.Exchange(ref _challengeUsed, 1) == 0;

    public bool ChallengeUsed => Volatile.Read(ref _challengeUsed) != 0;

    public void MarkAuthenticated(LoginResult login)
    {
        Login = login;
        _authenticated = true;
    }

    // Stopping is not disposed: the receive loop may still cancel it, and a CancellationTokenSource
    // without a timer holds nothing that needs disposing.
    public void Dispose() => Socket.Dispose();
}
