package io.mmdeploy.engine.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.diagnostics.Severity;
import io.mmdeploy.engine.diagnostics.SourcePosition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads YAML text into {@link YamlNode}s with positions. Bounded: a document nested deeper than
 * {@link #MAX_DEPTH}, one that expands too many aliases, or one with more than one document is refused
 * with a diagnostic, never with a stack trace.
 */
final class YamlTree {
    static final int MAX_DEPTH = 32;
    static final int MAX_ALIASES = 50;

    private final String file;
    private final YAMLFactory factory;

    YamlTree(String file) {
        this.file = file;
        LoaderOptions loader = new LoaderOptions();
        loader.setAllowDuplicateKeys(true); // duplicates are reported by us, with both positions
        loader.setMaxAliasesForCollections(MAX_ALIASES);
        loader.setNestingDepthLimit(MAX_DEPTH + 8);
        loader.setCodePointLimit(ConfigLoader.MAX_BYTES);
        this.factory = YAMLFactory.builder()
                .loaderOptions(loader)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 8).build())
                .build();
    }

    YamlNode parse(String text, List<Diagnostic> diagnostics) {
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw fail(1, 1, "Empty config file", "The file holds no YAML document; expected a mapping with app, services and environments.");
            }
            YamlNode root = node(parser, 1, diagnostics);
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw fail(at.getLineNr(), at.getColumnNr(), "More than one YAML document",
                        "The config must be one YAML document; remove the second \"---\" and what follows it.");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String reason = e.getOriginalMessage() == null ? "unreadable YAML" : e.getOriginalMessage().strip();
            reason = reason.lines().findFirst().orElse(reason);
            throw fail(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), "Invalid YAML", reason);
        } catch (IOException e) {
            throw fail(0, 0, "Unreadable config file", String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            if (e instanceof DeployException) {
                throw e;
            }
            // SnakeYAML signals its limits (aliases, nesting, size) with its own unchecked exceptions.
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable YAML");
            throw fail(0, 0, "Invalid YAML", reason);
        }
    }

    private YamlNode node(JsonParser parser, int depth, List<Diagnostic> diagnostics) throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        if (depth > MAX_DEPTH) {
            throw fail(line, column, "Config nested too deeply",
                    "The document nests deeper than " + MAX_DEPTH + " levels; mm-deploy configs need far fewer.");
        }
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT: {
                List<YamlNode.Entry> entries = new ArrayList<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    JsonLocation keyAt = parser.currentTokenLocation();
                    String key = parser.currentName();
                    parser.nextToken();
                    YamlNode value = node(parser, depth + 1, diagnostics);
                    for (YamlNode.Entry seen : entries) {
                        if (seen.key().equals(key)) {
                            diagnostics.add(new Diagnostic(Severity.ERROR, "Duplicate key \"" + key + "\"",
                                    "\"" + key + "\" is already set on line " + seen.line() + "; each key may appear once.",
                                    new SourcePosition(file, keyAt.getLineNr(), keyAt.getColumnNr()), key));
                        }
                    }
                    entries.add(new YamlNode.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
                }
                return new YamlNode.Mapping(List.copyOf(entries), line, column);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(parser, depth + 1, diagnostics));
                }
                return new YamlNode.Sequence(List.copyOf(items), line, column);
            }
            case VALUE_STRING:
                return new YamlNode.Scalar(parser.getText(), line, column);
            case VALUE_NUMBER_INT:
                return new YamlNode.Scalar(parser.getNumberValue(), line, column);
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.Scalar(parser.getDoubleValue(), line, column);
            case VALUE_TRUE:
                return new YamlNode.Scalar(Boolean.TRUE, line, column);
            case VALUE_FALSE:
                return new YamlNode.Scalar(Boolean.FALSE, line, column);
            case VALUE_NULL:
                return new YamlNode.Scalar(null, line, column);
            default:
                throw fail(line, column, "Invalid YAML", "Unexpected " + token + ".");
        }
    }

    private DeployException fail(int line, int column, String summary, String detail) {
        return new DeployException(new Diagnostic(Severity.ERROR, summary, detail, new SourcePosition(file, line, column), ""));
    }
}
