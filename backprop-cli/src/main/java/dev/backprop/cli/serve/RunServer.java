package dev.backprop.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.backprop.diagnose.Finding;
import dev.backprop.diagnose.MetricsJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The web server of {@code backprop serve}: a read-only view of a folder of run folders, on the JDK's HTTP server.
 *
 * <p>Pages: {@code /} (the runs), {@code /runs/NAME} (one run, live), {@code /compare?runs=A,B} (runs overlaid).
 * The pages are HTML shells whose scripts ({@code /assets/...}, with uPlot from its webjar) poll the JSON API:
 * {@code /api/runs}, {@code /api/runs/NAME} (status, configuration, findings), {@code /api/runs/NAME/metrics?since=
 * OFFSET&line=N&file=ID} (the metrics.jsonl lines after OFFSET, {@link MetricsApi}) and {@code /api/compare?runs=A,B}
 * (the settings that differ). A run's own files are at {@code /runs/NAME/FILE} for the names in
 * {@link RunsRoot#FILES} (report.html among them).
 *
 * <p>Only GET and HEAD are answered. Every name in a request goes through {@link RunsRoot}; bound to a loopback
 * address, a request whose Host header is not a loopback name is refused (a web page elsewhere cannot reach the
 * server through DNS rebinding).
 */
public final class RunServer implements AutoCloseable {
    /** At most this many runs on one compare page. */
    static final int MAX_COMPARE = 8;
    private static final int METRICS_CHUNK = 2 << 20;
    private static final String UPLOT = "META-INF/resources/webjars/uplot/";
    private static final Map<String, String> ASSETS = Map.of(
            "app.css", "text/css", "common.js", "text/javascript", "index.js", "text/javascript",
            "run.js", "text/javascript", "compare.js", "text/javascript",
            "uPlot.iife.min.js", "text/javascript", "uPlot.min.css", "text/css");

    private final RunsRoot root;
    private final HttpServer http;
    private final ExecutorService pool;
    private final boolean loopback;
    private final Map<String, RunState> states = new ConcurrentHashMap<>();
    private final String uplotVersion;

    private RunServer(RunsRoot root, HttpServer http, ExecutorService pool, boolean loopback) throws IOException {
        this.root = root;
        this.http = http;
        this.pool = pool;
        this.loopback = loopback;
        this.uplotVersion = uplotVersion();
    }

    /**
     * Starts serving {@code runsDir} on {@code host}:{@code port} (port 0 picks a free one).
     *
     * @param runsDir the folder of run folders
     * @param host the address to bind, such as 127.0.0.1
     * @param port the port, or 0 for any free port
     * @return the running server
     * @throws IOException when the folder is missing or the address cannot be bound
     */
    public static RunServer start(Path runsDir, String host, int port) throws IOException {
        RunsRoot root = new RunsRoot(runsDir);
        InetAddress address = InetAddress.getByName(host);
        HttpServer http = HttpServer.create(new InetSocketAddress(address, port), 64);
        ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "backprop-serve");
            t.setDaemon(true);
            return t;
        });
        RunServer s = new RunServer(root, http, pool, address.isLoopbackAddress());
        http.createContext("/", s::handle);
        http.setExecutor(pool);
        http.start();
        return s;
    }

    /**
     * The address to open in a browser.
     *
     * @return such as {@code http://127.0.0.1:8080/}
     */
    public URI url() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + a.getPort() + "/");
    }

    /**
     * The folder served.
     *
     * @return its real path
     */
    public Path runsDir() {
        return root.path();
    }

    /** Stops the server. */
    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }

    // ---------------------------------------------------------------- routing

    private record Response(int status, String type, byte[] body, boolean cache, String csp) {
        static Response json(Object value) {
            return new Response(200, "application/json", Json.bytes(value), false, null);
        }
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            Response r;
            try {
                r = route(x);
            } catch (RunsRoot.Refused e) {
                r = error(e.status, e.getMessage(), x.getRequestURI().getRawPath());
            } catch (IOException | RuntimeException e) {
                r = error(500, e.getMessage() == null ? e.toString() : e.getMessage(), x.getRequestURI().getRawPath());
            }
            send(x, r);
        }
    }

    private Response route(HttpExchange x) throws RunsRoot.Refused, IOException {
        String method = x.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new RunsRoot.Refused(405, "read-only: only GET and HEAD");
        }
        checkHost(x.getRequestHeaders().getFirst("Host"));
        String raw = x.getRequestURI().getRawPath();
        if (raw == null || !raw.startsWith("/") || raw.indexOf('\\') >= 0) {
            throw new RunsRoot.Refused(400, "malformed path");
        }
        List<String> seg = segments(raw);
        Map<String, String> q = query(x.getRequestURI().getRawQuery());
        if (seg.isEmpty()) {
            return html(Pages.index(listRows()));
        }
        switch (seg.getFirst()) {
            case "runs" -> {
                if (seg.size() == 2) {
                    root.run(seg.get(1)); // a missing run or a link is an error page; a malformed one shows its error
                    return html(Pages.run(seg.get(1)));
                }
                if (seg.size() == 3) {
                    return runFile(root.run(seg.get(1)), seg.get(2));
                }
            }
            case "compare" -> {
                if (seg.size() == 1) {
                    return html(Pages.compare(compareNames(q.get("runs"))));
                }
            }
            case "assets" -> {
                if (seg.size() == 2) {
                    return asset(seg.get(1));
                }
            }
            case "api" -> {
                return api(seg, q);
            }
            default -> { }
        }
        throw new RunsRoot.Refused(404, "no such page");
    }

    private Response api(List<String> seg, Map<String, String> q) throws RunsRoot.Refused, IOException {
        if (seg.size() == 2 && seg.get(1).equals("runs")) {
            ArrayNode a = Json.array();
            listRows().forEach(a::add);
            return Response.json(a);
        }
        if (seg.size() == 2 && seg.get(1).equals("compare")) {
            return Response.json(compare(compareNames(q.get("runs"))));
        }
        if (seg.size() >= 3 && seg.get(1).equals("runs")) {
            String name = seg.get(2);
            Path dir = root.run(name);
            if (seg.size() == 3) {
                return Response.json(info(name, dir));
            }
            if (seg.size() == 4 && seg.get(3).equals("metrics")) {
                Path metrics = RunsRoot.file(dir, "metrics.jsonl");
                if (metrics == null) {
                    ObjectNode n = MetricsApi.json(new MetricsTail.Chunk(List.of(), List.of(), 0, 0, null, false,
                            false));
                    n.put("missing", true);
                    return Response.json(n);
                }
                MetricsTail.Chunk c = MetricsTail.read(metrics, q.get("file"), number(q, "since"), number(q, "line"),
                        METRICS_CHUNK);
                return Response.json(MetricsApi.json(c));
            }
        }
        throw new RunsRoot.Refused(404, "no such API");
    }

    // ---------------------------------------------------------------- content

    private List<ObjectNode> listRows() throws IOException {
        List<String> names = root.list();
        states.keySet().retainAll(names);
        List<ObjectNode> rows = new ArrayList<>();
        for (String n : names) {
            rows.add(states.computeIfAbsent(n, RunState::new).summary(root));
        }
        rows.sort((a, b) -> b.path("started").asText("").compareTo(a.path("started").asText("")));
        return rows;
    }

    /** A run's summary, configuration and findings; a malformed folder answers with its error. */
    private ObjectNode info(String name, Path dir) {
        ObjectNode n = states.computeIfAbsent(name, RunState::new).summary(root);
        try {
            n.set("config", RunState.config(dir));
        } catch (IOException | RunsRoot.Refused e) {
            n.putNull("config");
        }
        try {
            List<Finding> f = RunState.findings(dir);
            n.set("finding_list", f == null ? Json.array() : MetricsJson.tree(f));
        } catch (IOException | RunsRoot.Refused e) {
            n.set("finding_list", Json.array());
            n.put("error", e.getMessage());
            n.put("status", "error");
        }
        return n;
    }

    private List<String> compareNames(String runs) throws RunsRoot.Refused {
        if (runs == null || runs.isBlank()) {
            throw new RunsRoot.Refused(400, "compare needs ?runs=A,B (run folder names, comma-separated)");
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String s : runs.split(",", -1)) {
            names.add(RunsRoot.checkName(s.strip()));
        }
        if (names.size() > MAX_COMPARE) {
            throw new RunsRoot.Refused(400, "compare shows at most " + MAX_COMPARE + " runs, not " + names.size());
        }
        return List.copyOf(names);
    }

    /** {"runs": [names], "differ": [{"key", "values": [one per run, null where absent]}], "errors": {name: msg}}. */
    private ObjectNode compare(List<String> names) throws RunsRoot.Refused {
        List<Map<String, JsonNode>> flat = new ArrayList<>();
        ObjectNode out = Json.object();
        ObjectNode errors = Json.object();
        for (String name : names) {
            Map<String, JsonNode> f = new LinkedHashMap<>();
            try {
                flatten("", RunState.config(root.run(name)), f);
            } catch (IOException e) {
                errors.put(name, e.getMessage());
            }
            flat.add(f);
        }
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        flat.forEach(f -> keys.addAll(f.keySet()));
        ArrayNode differ = out.putArray("differ");
        for (String k : keys) {
            LinkedHashSet<JsonNode> values = new LinkedHashSet<>();
            flat.forEach(f -> values.add(f.getOrDefault(k, out.nullNode())));
            if (values.size() > 1) {
                ObjectNode d = differ.addObject();
                d.put("key", k);
                ArrayNode vs = d.putArray("values");
                flat.forEach(f -> vs.add(f.getOrDefault(k, out.nullNode())));
            }
        }
        ArrayNode rs = out.putArray("runs");
        names.forEach(rs::add);
        out.set("errors", errors);
        return out;
    }

    /** A config tree as "a.b" keys to leaf values ({"optimizer": {"lr": 0.1}} is "optimizer.lr": 0.1). */
    static void flatten(String prefix, JsonNode n, Map<String, JsonNode> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(f -> flatten(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(),
                    f.getValue(), out));
        } else {
            out.put(prefix, n);
        }
    }

    private Response runFile(Path dir, String name) throws RunsRoot.Refused, IOException {
        Path p = RunsRoot.file(dir, RunsRoot.checkName(name));
        if (p == null) {
            throw new RunsRoot.Refused(404, dir.getFileName() + " has no " + name);
        }
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".jsonl") ? "text/plain; charset=utf-8" : "application/json";
        // the report is self-contained (inline CSS and SVG, no scripts): nothing else may load
        return new Response(200, type, RunsRoot.read(p), false,
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox");
    }

    private Response asset(String name) throws RunsRoot.Refused, IOException {
        String type = ASSETS.get(name);
        if (type == null) {
            throw new RunsRoot.Refused(404, "no such asset");
        }
        String resource = name.startsWith("uPlot") ? UPLOT + uplotVersion + "/dist/" + name
                : "dev/backprop/cli/serve/" + name;
        try (InputStream in = RunServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("asset missing from the jar: " + resource);
            }
            return new Response(200, type + "; charset=utf-8", in.readAllBytes(), true, null);
        }
    }

    private static String uplotVersion() throws IOException {
        try (InputStream in = RunServer.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IOException("the uPlot webjar is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        }
    }

    private static Response html(String page) {
        return new Response(200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8), false, null);
    }

    private static Response error(int status, String message, String path) {
        if (path != null && path.startsWith("/api/")) {
            ObjectNode n = Json.object();
            n.put("error", message);
            n.put("status", status);
            return new Response(status, "application/json", Json.bytes(n), false, null);
        }
        return new Response(status, "text/html; charset=utf-8",
                Pages.error(status, message).getBytes(StandardCharsets.UTF_8), false, null);
    }

    private void send(HttpExchange x, Response r) throws IOException {
        var h = x.getResponseHeaders();
        h.set("Content-Type", r.type());
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cache-Control", r.cache() ? "max-age=3600" : "no-store");
        h.set("Content-Security-Policy", r.csp() != null ? r.csp()
                : "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(r.status(), head ? -1 : r.body().length == 0 ? -1 : r.body().length);
        if (!head && r.body().length > 0) {
            try (OutputStream o = x.getResponseBody()) {
                o.write(r.body());
            }
        }
    }

    // ---------------------------------------------------------------- parsing

    private void checkHost(String host) throws RunsRoot.Refused {
        if (!loopback) {
            return;
        }
        if (host == null) {
            throw new RunsRoot.Refused(400, "no Host header");
        }
        String h = host.strip().toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[")) {
            h = h.substring(0, Math.max(h.indexOf(']') + 1, 1));
        } else if (h.indexOf(':') >= 0) {
            h = h.substring(0, h.indexOf(':'));
        }
        if (!(h.equals("localhost") || h.equals("[::1]") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"))) {
            throw new RunsRoot.Refused(403, "Host " + host + " refused: the server is bound to a loopback address");
        }
    }

    /** The path's segments, each decoded once and checked; "/" is none. */
    static List<String> segments(String raw) throws RunsRoot.Refused {
        List<String> out = new ArrayList<>();
        if (raw.equals("/")) {
            return out;
        }
        for (String s : raw.substring(1).split("/", -1)) {
            out.add(RunsRoot.checkName(RunsRoot.decodeSegment(s)));
        }
        return out;
    }

    static Map<String, String> query(String raw) throws RunsRoot.Refused {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = RunsRoot.decodeSegment((eq < 0 ? part : part.substring(0, eq)).replace('+', ' '));
            String v = eq < 0 ? "" : RunsRoot.decodeSegment(part.substring(eq + 1).replace('+', ' '));
            q.put(k, v);
        }
        return q;
    }

    private static long number(Map<String, String> q, String key) throws RunsRoot.Refused {
        String v = q.get(key);
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new RunsRoot.Refused(400, key + " must be a whole number >= 0, not " + v);
        }
    }
}
