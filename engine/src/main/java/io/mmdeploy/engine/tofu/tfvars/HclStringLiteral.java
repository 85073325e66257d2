package io.mmdeploy.engine.tofu.tfvars;

/**
 * Encodes any text as an HCL native quoted string that OpenTofu reads back as exactly that text
 * (tofu-cli.md §7): backslash escapes first, then the template introducers {@code ${} and {@code %{}
 * doubled, so that nothing in a value can become an interpolation.
 */
public final class HclStringLiteral {

    private HclStringLiteral() {}

    public static String encode(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '$', '%' -> {
                    out.append(c);
                    if (i + 1 < value.length() && value.charAt(i + 1) == '{') {
                        out.append(c);
                    }
                }
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
