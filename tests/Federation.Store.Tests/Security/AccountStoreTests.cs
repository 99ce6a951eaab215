using Federation.Store.Security;
using Federation.Testing;
using Xunit;

namespace Federation.Store.Tests.Security;

/// <summary>Accounts: inactivity locks and cancels, posts carry roles, tokens are kept only as digests, another process's change is seen at once.</summary>
public sealed class AccountStoreTests : IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private readonly AccountStore _accounts;
    private readonly SteppedClock _clock = new();

    public AccountStoreTests()
    {
        _accounts = AccountStore.Open(_directory.File("node.security.db"), _clock);
        _accounts.Create("li.na", "Li Na", "verification desk, Guangzhou", "AB12", [("verifier", "440100"), ("analyst", "440100")], "account:admin", Created);
    }

    public void Dispose()
    {
        _accounts.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Inactivity_LocksAfter30Days_AndCancelsAfter2Years()
    {
        var account = _accounts.Find("li.na")!;
        Assert.Equal(AccountStatus.Active, AccountStore.EffectiveStatus(account, Created.AddDays(29)));
        Assert.Equal(AccountStatus.Locked, AccountStore.EffectiveStatus(account, Created.AddDays(30)));
        Assert.Equal(AccountStatus.Cancelled, AccountStore.EffectiveStatus(account, Created.AddDays(730)));

        // Seen at day 31: the lock is written down, and stays after an unrelated look.
        _accounts.Touch(account, Created.AddDays(31));
        var locked = _accounts.Find("li.na")!;
        Assert.Equal((AccountStatus.Locked, "unused for 30 days"), (locked.Status, locked.StatusReason));

        // Unlocking counts as use; a cancelled account cannot be reopened.
        var unlocked = _accounts.SetStatus("li.na", AccountStatus.Active, "back from leave", Created.AddDays(32));
        Assert.Equal(AccountStatus.Active, AccountStore.EffectiveStatus(unlocked, Created.AddDays(33)));
        _accounts.SetStatus("li.na", AccountStatus.Cancelled, "left the service", Created.AddDays(40));
        Assert.Throws<StoreException>(() => _accounts.SetStatus("li.na", AccountStatus.Active, "", Created.AddDays(41)));
    }

    [Fact]
    public void Use_IsRecordedAtMostHourly()
    {
        _accounts.Touch(_accounts.Find("li.na")!, Created.AddMinutes(30));
        Assert.Equal(Created, _accounts.Find("li.na")!.LastUsedAt);
        _accounts.Touch(_accounts.Find("li.na")!, Created.AddHours(2));
        Assert.Equal(Created.AddHours(2), _accounts.Find("li.na")!.LastUsedAt);
    }

    [Fact]
    public void Transfer_RemovesEveryRoleOfTheOldPost_RevokeRemovesOne()
    {
        _accounts.Grant("li.na", "operator", "440100", "account:admin", Created);
        Assert.Equal(["analyst", "operator", "verifier"], _accounts.Find("li.na")!.Grants.Select(g => g.Role));
        Assert.Equal(["analyst", "verifier"], _accounts.Revoke("li.na", "operator", null).Grants.Select(g => g.Role));
        var moved = _accounts.Transfer("li.na", "statistics office, Guangdong");
        Assert.Empty(moved.Grants);
        Assert.Equal("statistics office, Guangdong", moved.Post);
    }

    [Fact]
    public void Tokens_AreKeptAsDigests_AndReplacedWhenReissued()
    {
        var token = _accounts.IssueToken("li.na");
        Assert.StartsWith("fed_", token, StringComparison.Ordinal);
        Assert.Equal("li.na", _accounts.FindByToken(token)!.Id);
        Assert.Null(_accounts.FindByToken(token + "x"));
        var second = _accounts.IssueToken("li.na");
        Assert.Null(_accounts.FindByToken(token));
        Assert.Equal("li.na", _accounts.FindByToken(second)!.Id);
        _accounts.RevokeToken("li.na");
        Assert.Null(_accounts.FindByToken(second));
        // Nothing in the file is the token itself.
        Assert.DoesNotContain(second, System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(_directory.File("node.security.db"))), StringComparison.Ordinal);
    }

    [Fact]
    public void AChangeByAnotherProcess_IsSeenWithinASecond_OwnChangesAtOnce()
    {
        Assert.NotEmpty(_accounts.Find("li.na")!.Grants);
        using (var other = AccountStore.Open(_directory.File("node.security.db")))
        {
            other.Transfer("li.na", "elsewhere");
        }
        // Within the second the copy in memory stands; after it, the other's commit is read.
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.NotEmpty(_accounts.Find("li.na")!.Grants);
        _clock.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Empty(_accounts.Find("li.na")!.Grants);
        // A change made here is seen at once.
        _accounts.Grant("li.na", "auditor", "440100", "account:admin", Created);
        Assert.Equal(["auditor"], _accounts.Find("li.na")!.Grants.Select(g => g.Role));
    }

    [Fact]
    public void AnAccountOrTokenMadeByAnotherProcess_IsFoundAtOnce_NotAfterTheSecond()
    {
        // Arrange: this store has looked just now; an administrator's process adds an account
        // with a token, and the token is used straight away (README's single-node steps did so).
        Assert.NotNull(_accounts.Find("li.na"));
        string token;
        using (var other = AccountStore.Open(_directory.File("node.security.db")))
        {
            other.Create("me", "Me", "trying it", null, [("operator", "440100")], "account:admin", Created);
            token = other.IssueToken("me");
        }

        // Act: no time passes on this store's clock.
        var byToken = _accounts.FindByToken(token);
        var byId = _accounts.Find("me");

        // Assert: an unknown token or account makes the store look again at once.
        Assert.Equal("me", byToken?.Id);
        Assert.Equal("me", byId?.Id);
    }

}
