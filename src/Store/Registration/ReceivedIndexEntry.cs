namespace Federation.Store.Registration;

/// <summary>A person's index entry as received from the parent (<see cref="IRegistrationJournal.ReceiveIndex"/>): the parent's sequence number, the key, the city.</summary>
public readonly record struct ReceivedIndexEntry(long ParentSeq, byte[] PersonKey, string CityDivision);
