namespace Federation.Store.Registration;

/// <summary>One entry of the index of valid registrations: the person's keyed hash, the city holding their valid registration (empty: none), and its sequence number here.</summary>
public sealed record IndexEntryRecord(long Seq, byte[] PersonKey, string CityDivision);
