/**
 * A "WebUI" for the comfyui kind that also speaks WebSocket (like ComfyUI's live view): `python main.py
 * --listen ADDR --port N` serves a page whose script opens `/ws`, sends a greeting and shows the echo; `/ws`
 * answers every text message with `echo: <message>`. Standard library only (no `websockets` package here).
 */
export const ECHO_UI = `import base64, hashlib, http.server, struct, sys
args = sys.argv[1:]
port, listen = 8188, '0.0.0.0'
for i, a in enumerate(args):
    if a == '--port':
        port = int(args[i + 1])
    if a == '--listen':
        listen = args[i + 1]

PAGE = b'''<!doctype html><html><head><title>echo ui</title></head><body><h1>Echo UI</h1><p id="echo">waiting</p>
<script>
const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
ws.onopen = () => ws.send('hello from the browser');
ws.onmessage = (m) => { document.getElementById('echo').textContent = m.data; };
ws.onerror = () => { document.getElementById('echo').textContent = 'websocket failed'; };
</script></body></html>'''

def read_exact(f, n):
    data = b''
    while len(data) < n:
        chunk = f.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data

def frame(opcode, payload):
    if len(payload) < 126:
        return bytes([0x80 | opcode, len(payload)]) + payload
    return bytes([0x80 | opcode, 126]) + struct.pack('>H', len(payload)) + payload

def echo(rfile, wfile):
    while True:
        head = read_exact(rfile, 2)
        if not head:
            return
        opcode, length = head[0] & 0x0F, head[1] & 0x7F
        if length == 126:
            length = struct.unpack('>H', read_exact(rfile, 2))[0]
        elif length == 127:
            length = struct.unpack('>Q', read_exact(rfile, 8))[0]
        mask = read_exact(rfile, 4) if head[1] & 0x80 else b'\\0\\0\\0\\0'
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(read_exact(rfile, length) or b''))
        if opcode == 8:
            wfile.write(frame(8, b''))
            return
        if opcode == 1:
            wfile.write(frame(1, b'echo: ' + data))

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == '/ws' and self.headers.get('Upgrade', '').lower() == 'websocket':
            accept = base64.b64encode(hashlib.sha1((self.headers['Sec-WebSocket-Key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').encode()).digest()).decode()
            self.send_response(101)
            self.send_header('Upgrade', 'websocket')
            self.send_header('Connection', 'Upgrade')
            self.send_header('Sec-WebSocket-Accept', accept)
            self.end_headers()
            self.wfile.flush()
            echo(self.rfile, self.wfile)
            self.close_connection = True
            return
        body = PAGE if self.path == '/' else b'cookies: ' + self.headers.get('Cookie', '').encode()
        self.send_response(200)
        self.send_header('Content-Type', 'text/html' if self.path == '/' else 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

print('echo ui listening on', listen, port, flush=True)
http.server.ThreadingHTTPServer((listen, port), Handler).serve_forever()
`;
