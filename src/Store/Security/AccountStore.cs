using System.Security.Cryptography;
using System.Text;
using Federation.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Federation.Store.Security;

/// <summary>
/// Personal accounts and the roles granted to them per post, in the security database.
/// Reads come from an in-memory copy, so authenticating a call costs no query: reloaded at once
/// after a change made here, and within a second of one committed by another process (the
/// node's own <c>accounts add</c> command). API tokens are kept as SHA-256
/// digests only: a token is 32 random bytes, too long to guess, so a slow hash adds nothing.
/// </summary>
public sealed class AccountStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private Dictionary<string, Account> _accounts = [];
    private Dictionary<string, string> _byToken = [];
    private long _dataVersion = -1;
    private bool _stale = true;
    private long _lastLook;

    private readonly TimeProvider _time;

    private AccountStore(SqliteConnection connection, TimeProvider time)
    {
        _connection = connection;
        _time = time;
    }

    /// <summary>Opens (creating if needed) the security database at <paramref name="path"/>.</summary>
    public static AccountStore Open(string path, TimeProvider? time = null) => new(SecurityDatabase.Open(path, durable: true), time ?? TimeProvider.System);

    /// <summary>How long an account may go unused before it is locked (R-19: 30 days).</summary>
    public static readonly TimeSpan LockAfter = TimeSpan.FromDays(30);

    /// <summary>How long an account may go unused before it is cancelled (R-19: 2 years).</summary>
    public static readonly TimeSpan CancelAfter = TimeSpan.FromDays(730);

    /// <summary>The status an account has at <paramref name="now"/>, inactivity included.</summary>
    public static AccountStatus EffectiveStatus(Account account, DateTimeOffset now)
    {
        var unused = now - account.LastUsedAt;
        if (account.Status == AccountStatus.Cancelled || unused >= CancelAfter)
        {
            return AccountStatus.Cancelled;
        }
        return account.Status == AccountStatus.Locked || unused >= LockAfter ? AccountStatus.Locked : AccountStatus.Active;
    }

    public Account? Find(string id)
    {
        lock (_gate)
        {
            Refresh();
            if (!_accounts.ContainsKey(id))
            {
                // Not known here: perhaps made by another process (an administrator's
                // `accounts add`) this very second; look again at once rather than refuse it.
                Refresh(force: true);
            }
            return _accounts.GetValueOrDefault(id);
        }
    }

    /// <summary>The account an API token belongs to, or null.</summary>
    public Account? FindByToken(string token)
    {
        var digest = Digest(token);
        lock (_gate)
        {
            Refresh();
            if (!_byToken.ContainsKey(digest))
            {
                // An unknown token may have been issued by another process this very second (a
                // token printed, then used at once): look again now rather than refuse it. Wrong
                // tokens cost one PRAGMA more; the sign-in throttle bounds how many.
                Refresh(force: true);
            }
            return _byToken.TryGetValue(digest, out var id) ? _accounts.GetValueOrDefault(id) : null;
        }
    }

    /// <summary>
    /// The SHA-256 digest of the account's API token, or null when it has none: a web session
    /// opened with a token ends when that token is revoked or replaced.
    /// </summary>
    public string? TokenDigestOf(string id)
    {
        lock (_gate)
        {
            Refresh();
            foreach (var (digest, holder) in _byToken)
            {
                if (holder == id)
                {
                    return digest;
                }
            }
            return null;
        }
    }

    public IReadOnlyList<Account> List()
    {
        lock (_gate)
        {
            return SqliteErrors.Guard<IReadOnlyList<Account>>(_connection.DataSource, "reading the accounts", () =>
            {
                Refresh();
                return [.. _accounts.Values.OrderBy(a => a.Id, StringComparer.Ordinal)];
            });
        }
    }

    /// <summary>Creates an account, bound to a certificate (its SHA-256 thumbprint) when given.</summary>
    public Account Create(string id, string displayName, string post, string? certificateSha256, IEnumerable<(string Role, string Scope)> grants,
        string by, DateTimeOffset now)
    {
        Write(transaction =>
        {
            if (Exists(transaction, id))
            {
                throw new StoreException($"account {id} already exists");
            }
            Run(transaction, "INSERT INTO accounts (id, display_name, post, status, certificate_sha256, created_at, last_used_at) VALUES ($id, $name, $post, 'active', $cert, $now, $now)",
                ("$id", id), ("$name", displayName), ("$post", post), ("$cert", certificateSha256?.ToUpperInvariant()), ("$now", SecurityDatabase.Iso(now)));
            foreach (var (role, scope) in grants)
            {
                InsertGrant(transaction, id, role, scope, by, now);
            }
        });
        return Find(id)!;
    }

    public Account Grant(string id, string role, string scope, string by, DateTimeOffset now) =>
        Change(id, transaction => InsertGrant(transaction, id, role, scope, by, now));

    /// <summary>Takes a role away (every scope, or one); effective on the next call.</summary>
    public Account Revoke(string id, string role, string? scope) =>
        Change(id, transaction => Run(transaction, "DELETE FROM grants WHERE account_id = $id AND role = $role AND ($scope IS NULL OR scope = $scope)",
            ("$id", id), ("$role", role), ("$scope", scope)));

    /// <summary>The holder moves to another post: every role of the old post goes at once .</summary>
    public Account Transfer(string id, string newPost) => Change(id, transaction =>
    {
        Run(transaction, "DELETE FROM grants WHERE account_id = $id", ("$id", id));
        Run(transaction, "UPDATE accounts SET post = $post WHERE id = $id", ("$id", id), ("$post", newPost));
    });

    public Account SetStatus(string id, AccountStatus status, string reason, DateTimeOffset now) => Change(id, transaction =>
    {
        var current = Scalar(transaction, "SELECT status FROM accounts WHERE id = $id", ("$id", id));
        if (current == "cancelled" && status != AccountStatus.Cancelled)
        {
            throw new StoreException($"account {id} is cancelled; a cancelled account cannot be reopened (create a new one)");
        }
        // Unlocking counts as use: otherwise an account locked for inactivity would lock again at once.
        Run(transaction, "UPDATE accounts SET status = $status, status_reason = $reason, last_used_at = CASE WHEN $status = 'active' THEN $now ELSE last_used_at END WHERE id = $id",
            ("$id", id), ("$status", Name(status)), ("$reason", reason), ("$now", SecurityDatabase.Iso(now)));
    });

    public Account BindCertificate(string id, string certificateSha256) =>
        Change(id, transaction => Run(transaction, "UPDATE accounts SET certificate_sha256 = $cert WHERE id = $id", ("$id", id), ("$cert", certificateSha256.ToUpperInvariant())));

    /// <summary>Issues a new API token (replacing any earlier one); only its digest is kept, so it is shown once.</summary>
    public string IssueToken(string id)
    {
        var token = "fed_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Change(id, transaction => Run(transaction, "UPDATE accounts SET token_sha256 = $token WHERE id = $id", ("$id", id), ("$token", Digest(token))));
        return token;
    }

    public Account RevokeToken(string id) => Change(id, transaction => Run(transaction, "UPDATE accounts SET token_sha256 = NULL WHERE id = $id", ("$id", id)));

    /// <summary>
    /// Records use of the account; writes only when the stored time is over an hour old, so a busy
    /// account costs one write an hour, not one a call. Persists a lock or cancellation that
    /// inactivity has brought about, so it stays when the account is looked at again.
    /// </summary>
    public void Touch(Account account, DateTimeOffset now)
    {
        var effective = EffectiveStatus(account, now);
        if (effective != account.Status)
        {
            SetStatus(account.Id, effective, effective == AccountStatus.Cancelled ? "unused for 2 years" : "unused for 30 days", now);
            return;
        }
        if (effective == AccountStatus.Active && now - account.LastUsedAt > TimeSpan.FromHours(1))
        {
            Change(account.Id, transaction => Run(transaction, "UPDATE accounts SET last_used_at = $now WHERE id = $id",
                ("$id", account.Id), ("$now", SecurityDatabase.Iso(now))));
        }
    }

    public static string Digest(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private Account Change(string id, Action<SqliteTransaction> change)
    {
        Write(transaction =>
        {
            if (!Exists(transaction, id))
            {
                throw new StoreException($"there is no account {id}");
            }
            change(transaction);
        });
        return Find(id)!;
    }

    private void Write(Action<SqliteTransaction> write)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            write(transaction);
            transaction.Commit();
            _stale = true;
        }
    }

    // Reloads everything when a change was committed here, or by another connection (PRAGMA
    // data_version moves only for other connections' commits, and is asked at most once a second).
    private void Refresh(bool force = false)
    {
        var now = _time.GetTimestamp();
        if (!_stale && !force && _time.GetElapsedTime(_lastLook, now) < TimeSpan.FromSeconds(1))
        {
            return;
        }
        _lastLook = now;
        using var version = _connection.CreateCommand();
        version.CommandText = "PRAGMA data_version";
        var current = (long)version.ExecuteScalar()!;
        if (!_stale && current == _dataVersion)
        {
            return;
        }
        var grants = new Dictionary<string, List<Grant>>(StringComparer.Ordinal);
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT account_id, role, scope, granted_at, granted_by FROM grants ORDER BY account_id, role, scope";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetString(0);
                if (!grants.TryGetValue(id, out var list))
                {
                    grants[id] = list = [];
                }
                list.Add(new Grant(reader.GetString(1), reader.GetString(2), SecurityDatabase.ParseTime(reader.GetString(3)), reader.GetString(4)));
            }
        }
        var accounts = new Dictionary<string, Account>(StringComparer.Ordinal);
        var byToken = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT id, display_name, post, status, status_reason, certificate_sha256, token_sha256, created_at, last_used_at FROM accounts";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetString(0);
                var token = reader.IsDBNull(6) ? null : reader.GetString(6);
                accounts[id] = new Account(id, reader.GetString(1), reader.GetString(2), Parse(reader.GetString(3)), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), token is not null,
                    SecurityDatabase.ParseTime(reader.GetString(7)), SecurityDatabase.ParseTime(reader.GetString(8)),
                    grants.TryGetValue(id, out var list) ? list : []);
                if (token is not null)
                {
                    byToken[token] = id;
                }
            }
        }
        _accounts = accounts;
        _byToken = byToken;
        _dataVersion = current;
        _stale = false;
    }

    private static void InsertGrant(SqliteTransaction transaction, string id, string role, string scope, string by, DateTimeOffset now) =>
        Run(transaction, "INSERT OR IGNORE INTO grants (account_id, role, scope, granted_at, granted_by) VALUES ($id, $role, $scope, $now, $by)",
            ("$id", id), ("$role", role), ("$scope", scope), ("$now", SecurityDatabase.Iso(now)), ("$by", by));

    private static bool Exists(SqliteTransaction transaction, string id) => Scalar(transaction, "SELECT id FROM accounts WHERE id = $id", ("$id", id)) is not null;

    private static string? Scalar(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        return command.ExecuteScalar() as string;
    }

    private static void Run(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteTransaction transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    private static string Name(AccountStatus status) => status switch
    {
        AccountStatus.Active => "active",
        AccountStatus.Locked => "locked",
        _ => "cancelled",
    };

    private static AccountStatus Parse(string status) => status switch
    {
        "active" => AccountStatus.Active,
        "locked" => AccountStatus.Locked,
        _ => AccountStatus.Cancelled,
    };

    public void Dispose() => _connection.Dispose();
}
