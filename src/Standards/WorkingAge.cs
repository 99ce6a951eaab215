namespace Federation.Standards;

/// <summary>
/// Working age as DOMAIN.md reads R-10…R-13: on date d, age ≥ 16 and, for men, age &lt; 60; for
/// women, age &lt; 55. The 16th birthday counts (16 on that day); on the 60th/55th birthday the
/// person is no longer of working age. Age is whole years; someone born on 29 February has their
/// birthday on 1 March in common years.
/// </summary>
public static class WorkingAge
{
    public const int MinimumAge = 16;
    public const int MaleLimit = 60;
    public const int FemaleLimit = 55;

    /// <summary>Age in whole years on <paramref name="date"/>.</summary>
    public static int AgeOn(DateOnly birthDate, DateOnly date)
    {
        var age = date.Year - birthDate.Year;
        var (month, day) = (birthDate.Month, birthDate.Day);
        if (month == 2 && day == 29 && !DateTime.IsLeapYear(date.Year))
        {
            (month, day) = (3, 1);
        }
        if (date.Month < month || (date.Month == month && date.Day < day))
        {
            age--;
        }
        return age;
    }

    /// <summary>Whether a person of this birth date and sex is of working age on <paramref name="date"/>.</summary>
    public static bool IsWorkingAge(DateOnly birthDate, Sex sex, DateOnly date)
    {
        var age = AgeOn(birthDate, date);
        return age >= MinimumAge && sex switch
        {
            Sex.Male => age < MaleLimit,
            Sex.Female => age < FemaleLimit,
            _ => false,
        };
    }
}
