using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.AccessTokens;

internal sealed class PersonalAccessTokenConfiguration : IEntityTypeConfiguration<PersonalAccessToken>
{
    public void Configure(EntityTypeBuilder<PersonalAccessToken> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.Property(t => t.Hint).HasMaxLength(20);
        builder.Property(t => t.Scope).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(t => t.UserId);
        builder.HasOne(t => t.User).WithMany().OnDelete(DeleteBehavior.Cascade);
    }
}
