namespace Federation.Store.Registration;

/// <summary>One change of a child's feed as a parent applies it (<see cref="IRegistrationJournal.ApplyFromChild(string, IReadOnlyList{ChildChange})"/>).</summary>
public sealed record ChildChange(JournalCursor ChildPosition, string Origin, string OriginEpoch, long OriginSeq, DateTimeOffset At,
    ApplicationRecord? Application, RegistrationRecord? Registration, byte[] Body);
