/* Validators a findings rule names with check=NAME. Each is a pure function of the matched value;
 * they keep the regexes simple and the false positives down (checksums, format rules, placeholders). */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "findings_internal.h"

static const struct {
    const char *name;
    fv_kind kind;
} check_names[] = {
    {"luhn", FV_LUHN},
    {"iban", FV_IBAN},
    {"ssn", FV_SSN},
    {"jwt", FV_JWT},
    {"aws_secret", FV_AWS_SECRET},
    {"not_example", FV_NOT_EXAMPLE},
    {"password", FV_PASSWORD},
};

int fv_parse(const char *name)
{
    for (size_t i = 0; i < sizeof check_names / sizeof check_names[0]; i++)
        if (strcmp(name, check_names[i].name) == 0)
            return (int)check_names[i].kind;
    return -1;
}

/* ---- card numbers ---- */

static bool check_luhn(const char *v, size_t n)
{
    char digits[20];
    size_t nd = 0;
    char sep = 0;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (isdigit((unsigned char)c)) {
            if (nd == sizeof digits)
                return false;
            digits[nd++] = c;
        } else if (c == ' ' || c == '-') {
            if (sep && sep != c)
                return false; /* "4111 1111-1111 1111" is not a card */
            sep = c;
        } else {
            return false;
        }
    }
    if (nd < 13 || nd > 19)
        return false;
    /* Brand lengths: Visa 13/16/19, Mastercard 16, Amex 15, Discover 16-19. */
    int len_ok;
    if (digits[0] == '4')
        len_ok = nd == 13 || nd == 16 || nd == 19;
    else if (digits[0] == '3')
        len_ok = nd == 15;
    else if (digits[0] == '5' || digits[0] == '2')
        len_ok = nd == 16;
    else
        len_ok = nd >= 16;
    if (!len_ok)
        return false;
    bool all_same = true;
    for (size_t i = 1; i < nd; i++)
        all_same &= digits[i] == digits[0];
    if (all_same)
        return false;
    int sum = 0;
    for (size_t i = 0; i < nd; i++) {
        int d = digits[nd - 1 - i] - '0';
        if (i % 2 == 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return sum % 10 == 0;
}

/* ---- IBAN ---- */

/* IBAN lengths of the SWIFT registry (the common countries; unknown countries are rejected). */
static const struct {
    char cc[3];
    unsigned char len;
} iban_lengths[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BR", 29}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18},
    {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
    {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22},
    {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28},
    {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19},
    {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24}, {"PL", 28}, {"PS", 29},
    {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SC", 31}, {"SE", 24}, {"SI", 19},
    {"SK", 24}, {"SM", 27}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
};

static bool check_iban(const char *v, size_t n)
{
    char s[40];
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == ' ')
            continue;
        if (!isalnum((unsigned char)v[i]) || ns == sizeof s)
            return false;
        s[ns++] = (char)toupper((unsigned char)v[i]);
    }
    if (ns < 15)
        return false;
    size_t want = 0;
    for (size_t i = 0; i < sizeof iban_lengths / sizeof iban_lengths[0]; i++)
        if (s[0] == iban_lengths[i].cc[0] && s[1] == iban_lengths[i].cc[1])
            want = iban_lengths[i].len;
    if (want != ns)
        return false;
    /* Move the first four characters to the end, letters to 10..35, remainder mod 97 must be 1. */
    unsigned rem = 0;
    for (size_t k = 0; k < ns; k++) {
        char c = s[(k + 4) % ns];
        if (isdigit((unsigned char)c))
            rem = (rem * 10 + (unsigned)(c - '0')) % 97;
        else
            rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
    }
    return rem == 1;
}

/* ---- US SSN ---- */

static bool check_ssn(const char *v, size_t n)
{
    if (n != 11 || v[3] != '-' || v[6] != '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (i != 3 && i != 6 && !isdigit((unsigned char)v[i]))
            return false;
    int area = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
    int group = (v[4] - '0') * 10 + (v[5] - '0');
    int serial = (v[7] - '0') * 1000 + (v[8] - '0') * 100 + (v[9] - '0') * 10 + (v[10] - '0');
    if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0)
        return false;
    /* Numbers printed in SSA samples and advertising, and the classic form placeholder. */
    if (memcmp(v, "078-05-1120", 11) == 0 || memcmp(v, "219-09-9999", 11) == 0 ||
        memcmp(v, "123-45-6789", 11) == 0)
        return false;
    return true;
}

/* ---- JWT ---- */

static int b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-' || c == '+')
        return 62;
    if (c == '_' || c == '/')
        return 63;
    return -1;
}

static bool check_jwt(const char *v, size_t n)
{
    const char *dot = memchr(v, '.', n);
    if (!dot)
        return false;
    size_t seg = (size_t)(dot - v);
    char hdr[192];
    size_t nh = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < seg && nh < sizeof hdr - 1; i++) {
        int d = b64url_value((unsigned char)v[i]);
        if (d < 0)
            return false;
        acc = (acc << 6) | (unsigned)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            hdr[nh++] = (char)((acc >> bits) & 0xff);
        }
    }
    hdr[nh] = '\0';
    return nh > 0 && hdr[0] == '{' && strstr(hdr, "\"alg\"") != NULL;
}

/* ---- AWS secret access key ---- */

static bool check_aws_secret(const char *v, size_t n)
{
    bool upper = false, lower = false, digit = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        upper |= isupper(c) != 0;
        lower |= islower(c) != 0;
        digit |= isdigit(c) != 0;
    }
    return upper && lower && digit && !memmem(v, n, "EXAMPLEKEY", 10);
}

/* ---- placeholders ---- */

static bool check_not_example(const char *v, size_t n)
{
    return !memmem(v, n, "EXAMPLE", 7) && !memmem(v, n, "example", 7);
}

/* Values config templates and docs put where a password goes. */
static const char *const placeholder_words[] = {
    "password",      "passwd",     "pass",     "secret",   "changeme", "change_me", "yourpassword",
    "your_password", "mypassword", "null",     "none",     "nil",      "true",      "false",
    "undefined",     "empty",      "redacted", "hidden",   "xxx",      "xxxx",      "xxxxxx",
    "xxxxxxxx",      "example",    "required", "optional", "string",   "value",
};

static bool check_password(const char *v, size_t n)
{
    if (n < 4)
        return false;
    unsigned char c0 = (unsigned char)v[0];
    if (c0 == '$' || c0 == '{' || c0 == '<' || c0 == '%' || c0 == '[' || c0 == '(' || c0 == '@')
        return false; /* $VAR, ${VAR}, {{x}}, <pw>, %(pw)s */
    /* A password shows a digit or a symbol; identifiers, member chains (e.password), CSS
     * pseudo-classes (nth-child) and plain words show only letters and _ - . */
    bool all_same = true, digit_or_symbol = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        all_same &= c == c0;
        digit_or_symbol |= !isalpha(c) && c != '_' && c != '-' && c != '.';
    }
    if (all_same)
        return false; /* ****, xxxx, ...... */
    if (!digit_or_symbol)
        return false;
    for (size_t i = 0; i < sizeof placeholder_words / sizeof placeholder_words[0]; i++)
        if (strlen(placeholder_words[i]) == n && strncasecmp(v, placeholder_words[i], n) == 0)
            return false;
    return true;
}

bool fv_accept(fv_kind k, const char *v, size_t n)
{
    switch (k) {
    case FV_NONE:
        return true;
    case FV_LUHN:
        return check_luhn(v, n);
    case FV_IBAN:
        return check_iban(v, n);
    case FV_SSN:
        return check_ssn(v, n);
    case FV_JWT:
        return check_jwt(v, n);
    case FV_AWS_SECRET:
        return check_aws_secret(v, n);
    case FV_NOT_EXAMPLE:
        return check_not_example(v, n);
    case FV_PASSWORD:
        return check_password(v, n);
    }
    return false;
}
