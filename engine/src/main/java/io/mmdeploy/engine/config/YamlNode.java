package io.mmdeploy.engine.config;

import java.util.List;

/** A YAML value that remembers where it stood, so that every config error can point at a line and column. */
sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {

    int line();

    int column();

    /** What kind of value this is, in the words an error message uses. */
    String kind();

    record Entry(String key, int line, int column, YamlNode value) {}

    record Mapping(List<Entry> entries, int line, int column) implements YamlNode {
        @Override
        public String kind() {
            return "a mapping";
        }
    }

    record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {
        @Override
        public String kind() {
            return "a list";
        }
    }

    /**
     * @param value String, Long, BigInteger, Double, Boolean or null
     */
    record Scalar(Object value, int line, int column) implements YamlNode {
        @Override
        public String kind() {
            if (value == null) {
                return "nothing (null)";
            }
            if (value instanceof Boolean) {
                return "a boolean (" + value + ")";
            }
            if (value instanceof Number) {
                return "a number (" + value + ")";
            }
            return "a string (\"" + value + "\")";
        }
    }
}
