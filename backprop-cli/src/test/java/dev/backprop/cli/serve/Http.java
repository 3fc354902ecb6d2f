package dev.backprop.cli.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A raw HTTP/1.1 client for the tests: it sends the request target byte for byte as given (no client normalises
 * "..", escapes or backslashes away), so the server sees exactly what an attacker could send.
 */
final class Http {
    private Http() {
    }

    /** A response: the status code and the body as text. */
    record Reply(int status, String headers, String body) {
    }

    static Reply get(URI server, String target) throws IOException {
        return request(server, "GET", target, "127.0.0.1:" + server.getPort());
    }

    static Reply request(URI server, String method, String target, String host) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5000);
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            String req = method + " " + target + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                    + "Connection: close\r\n\r\n";
            o.write(req.getBytes(StandardCharsets.ISO_8859_1));
            o.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String body = end < 0 ? "" : text.substring(end + 4);
            String[] status = head.split(" ", 3);
            int code = status.length > 1 && status[1].matches("\\d{3}") ? Integer.parseInt(status[1]) : -1;
            return new Reply(code, head, body);
        }
    }
}
