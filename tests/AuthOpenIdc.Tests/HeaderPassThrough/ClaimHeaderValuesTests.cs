using System.Text;
using AuthOpenIdc.HeaderPassThrough;

namespace AuthOpenIdc.Tests.HeaderPassThrough;

public class ClaimHeaderValuesTests
{
    [Fact]
    public void Join_escapes_the_delimiter_and_backslashes_inside_values() =>
        Assert.Equal(@"a\,b,c\\d,e", ClaimHeaderValues.Join(["a,b", @"c\d", "e"], ","));

    [Fact]
    public void Join_escapes_a_multi_character_delimiter() =>
        Assert.Equal(@"x\;;y;;z", ClaimHeaderValues.Join(["x;;y", "z"], ";;"));

    [Fact]
    public void Join_keeps_empty_values() =>
        Assert.Equal(",a,", ClaimHeaderValues.Join(["", "a", ""], ","));

    [Theory]
    [InlineData("hans", "hans")]
    [InlineData("GÜnther", "GÜnther")]
    [InlineData("D†gÿger", "D?gÿger")]
    [InlineData("\U0001F600x", "?x")]
    [InlineData("a\r\nX-Evil: 1", "aX-Evil: 1")]
    [InlineData("tab\there\0", "tabhere")]
    public void Latin1_keeps_iso_8859_1_replaces_the_rest_and_drops_control_characters(string value, string expected) =>
        Assert.Equal(expected, ClaimHeaderValues.Encode(value, ClaimHeaderEncoding.Latin1));

    [Fact]
    public void Latin1_replaces_a_lone_surrogate()
    {
        string value = new([(char)0xD800, 'x', (char)0xDC00]);

        Assert.Equal("?x?", ClaimHeaderValues.Encode(value, ClaimHeaderEncoding.Latin1));
    }

    [Theory]
    [InlineData("D†gger", "D†gger")]
    [InlineData("\U0001F600", "\U0001F600")]
    [InlineData("a\r\nX-Evil: 1", "aX-Evil: 1")]
    [InlineData("del\u007Fc1\u0085", "delc1")]
    public void None_passes_the_value_but_drops_control_characters(string value, string expected) =>
        Assert.Equal(expected, ClaimHeaderValues.Encode(value, ClaimHeaderEncoding.None));

    [Theory]
    [InlineData("hans")]
    [InlineData("GÜnther")]
    [InlineData("D†gger?>>")]
    [InlineData("a\r\nb")]
    public void Base64url_encodes_the_utf8_bytes_without_padding(string value)
    {
        string expected = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        string encoded = ClaimHeaderValues.Encode(value, ClaimHeaderEncoding.Base64Url);

        Assert.Equal(expected, encoded);
        Assert.DoesNotContain('=', encoded);
    }

    [Fact]
    public void Clean_values_are_returned_without_copying()
    {
        const string value = "alice@example.com";

        Assert.Same(value, ClaimHeaderValues.Encode(value, ClaimHeaderEncoding.Latin1));
        Assert.Same(value, ClaimHeaderValues.Encode(value, ClaimHeaderEncoding.None));
    }
}
