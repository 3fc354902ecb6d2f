package dev.backprop.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Everything that defines a training run: model, optimization, data and run settings. Its JSON form (keys are the
 * command-line flags without dashes, e.g. {@code "batch-norm"}) is the run folder's config.json and what
 * {@code --config} reads (JSON or YAML); flags given on the command line override the file.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RunConfig {
    // model
    public String layers;
    public String activation = "relu";
    public String init;
    public String loss = "cross-entropy";
    public double dropout;
    public boolean batchNorm;
    // optimization
    public String optimizer = "sgd";
    public Double lr;
    public double momentum = 0.9;
    public boolean nesterov;
    public double l2;
    public double l1;
    public double weightDecay;
    public double clipNorm;
    public double clipValue;
    public String schedule = "constant";
    public int batch = 64;
    public int epochs = 20;
    public int earlyStop;
    // data
    public String data = "spirals";
    public String labelColumn;
    public String test;
    public String normalize;
    public String dataDir;
    public double valSplit;
    public Integer samples;
    public Double noise;
    // run
    public long seed = 42;
    public Integer threads;
    public String dtype = "f32";
    public boolean shuffle = true;
    public String initFrom;
    public int logEvery = 50;

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The learning rate, or the optimizer's usual default (0.05 for SGD, 0.001 for Adam/AdamW/RMSProp). */
    public double effectiveLr() {
        if (lr != null) {
            return lr;
        }
        return optimizer.toLowerCase(Locale.ROOT).equals("sgd") ? 0.05 : 0.001;
    }

    /** Reads a JSON (.json) or YAML (.yaml, .yml) file; unknown keys are rejected with their name and the file. */
    public static RunConfig load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "config file not found");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper m = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
        try {
            RunConfig c = m.readValue(file.toFile(), RunConfig.class);
            return c == null ? new RunConfig() : c;
        } catch (UnrecognizedPropertyException e) {
            throw new IOException(file + ": unknown key '" + e.getPropertyName() + "' (line "
                    + e.getLocation().getLineNr() + "); keys are the flags of 'backprop train' without dashes", e);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage().lines().findFirst().orElse("invalid config"), e);
        }
    }

    /** Writes this configuration as JSON. */
    public byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }
}
