package dev.backprop.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Headless Chromium driven through its DevTools protocol (a WebSocket, from the JDK's HTTP client): one page stays
 * open while the test evaluates JavaScript in it, so a test sees what a person watching the page would see change.
 */
final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final WebSocket socket;
    private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    private int nextId = 1;

    /** The browser's executable, or null when none is installed. */
    static Path executable() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    /** Starts the browser on {@code url}, with its profile in {@code profile}. */
    Chromium(Path browser, Path profile, String url) throws IOException, InterruptedException {
        process = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--user-data-dir=" + profile, "--window-size=1280,2000", url).redirectErrorStream(true).start();
        String endpoint = null;
        BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder log = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String line; endpoint == null && System.nanoTime() < deadline && (line = r.readLine()) != null; ) {
            log.append(line).append('\n');
            int at = line.indexOf("ws://");
            if (line.contains("DevTools listening on") && at >= 0) {
                endpoint = line.substring(at).trim();
            }
        }
        if (endpoint == null) {
            close();
            throw new IOException("chromium printed no DevTools address: " + log);
        }
        Thread drain = new Thread(() -> {
            try {
                r.transferTo(java.io.Writer.nullWriter());
            } catch (IOException e) {
                // the browser exited
            }
        });
        drain.setDaemon(true);
        drain.start();
        URI ws = URI.create(endpoint);
        HttpClient http = HttpClient.newHttpClient();
        String pageSocket = null;
        for (int i = 0; i < 100 && pageSocket == null; i++) {
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://" + ws.getAuthority()
                    + "/json/list")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode t : JSON.readTree(list.body())) {
                if (t.path("type").asText().equals("page")) {
                    pageSocket = t.path("webSocketDebuggerUrl").asText();
                }
            }
            if (pageSocket == null) {
                Thread.sleep(100);
            }
        }
        if (pageSocket == null) {
            close();
            throw new IOException("chromium opened no page");
        }
        StringBuilder partial = new StringBuilder();
        socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode n = JSON.readTree(partial.toString());
                        if (n.has("id")) {
                            replies.add(n);
                        }
                    } catch (IOException e) {
                        // not a reply
                    }
                    partial.setLength(0);
                }
                w.request(1);
                return null;
            }
        }).join();
    }

    /** Evaluates {@code expression} in the page and returns its value as JSON. */
    synchronized JsonNode evaluate(String expression) throws IOException, InterruptedException {
        ObjectNode params = JSON.createObjectNode().put("expression", expression).put("returnByValue", true);
        JsonNode reply = call("Runtime.evaluate", params);
        return reply.path("result").path("result").path("value");
    }

    /** Opens {@code url} in the page. */
    synchronized void navigate(String url) throws IOException, InterruptedException {
        call("Page.navigate", JSON.createObjectNode().put("url", url));
    }

    private JsonNode call(String method, ObjectNode params) throws IOException, InterruptedException {
        int id = nextId++;
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(JSON.writeValueAsString(msg), true).join();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode r = replies.poll(1, TimeUnit.SECONDS);
            if (r != null && r.path("id").asInt() == id) {
                if (r.has("error")) {
                    throw new IOException(method + ": " + r.get("error"));
                }
                return r;
            }
        }
        throw new IOException(method + ": no reply within 30 s");
    }

    /**
     * Evaluates {@code expression} every 200 ms until its value satisfies {@code done}, for at most
     * {@code seconds}; returns the last value.
     */
    JsonNode waitFor(String expression, Predicate<JsonNode> done, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode v = evaluate(expression);
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            v = evaluate(expression);
        }
        return v;
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
