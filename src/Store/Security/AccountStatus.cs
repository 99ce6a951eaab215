namespace Federation.Store.Security;

/// <summary>An account's state as stored; <see cref="AccountStore.EffectiveStatus"/> applies inactivity.</summary>
public enum AccountStatus
{
    Active,
    Locked,
    Cancelled,
}
