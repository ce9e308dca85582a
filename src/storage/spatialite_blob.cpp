#include "storage/spatialite_blob.h"

#include <cstdint>
#include <bit>
#include <cstring>

#include "model/support/error.h"

namespace gridatlas::storage {

using model::GeomType;
using model::Geometry;
using model::Vec2;

namespace {

constexpr unsigned char kStart = 0x00;
constexpr unsigned char kLittle = 0x01;
constexpr unsigned char kMbrEnd = 0x7C;
constexpr unsigned char kEntity = 0x69;
constexpr unsigned char kEnd = 0xFE;

class Reader {
public:
    Reader(std::string_view b, bool little) : m_b(b), m_little(little) {}
    void need(std::size_t n) const {
        if (m_pos + n > m_b.size()) throw StorageError("malformed SpatiaLite geometry: truncated");
    }
    std::uint8_t byte() {
        need(1);
        return static_cast<std::uint8_t>(m_b[m_pos++]);
    }
    std::uint32_t u32() {
        need(4);
        std::uint32_t v;
        std::memcpy(&v, m_b.data() + m_pos, 4);
        m_pos += 4;
        if (!m_little) v = __builtin_bswap32(v);
        return v;
    }
    double f64() {
        need(8);
        std::uint64_t v;
        std::memcpy(&v, m_b.data() + m_pos, 8);
        m_pos += 8;
        if (!m_little) v = __builtin_bswap64(v);
        double d;
        std::memcpy(&d, &v, 8);
        return d;
    }
    float f32() {
        need(4);
        std::uint32_t v;
        std::memcpy(&v, m_b.data() + m_pos, 4);
        m_pos += 4;
        if (!m_little) v = __builtin_bswap32(v);
        float f;
        std::memcpy(&f, &v, 4);
        return f;
    }
    void skip(std::size_t n) {
        need(n);
        m_pos += n;
    }
    std::size_t remaining() const { return m_b.size() - m_pos; }

private:
    std::string_view m_b;
    bool m_little;
    std::size_t m_pos = 0;
};

struct ClassInfo {
    int base;       // 1..7
    int dims;       // 2, 3 or 4 doubles per vertex
    bool compressed;
};

ClassInfo classify(std::uint32_t t) {
    ClassInfo c{0, 2, false};
    std::uint32_t rest = t;
    if (rest >= 1000000) {
        c.compressed = true;
        rest -= 1000000;
    }
    const std::uint32_t dimCode = rest / 1000;
    c.base = static_cast<int>(rest % 1000);
    if (dimCode > 3 || c.base < 1 || c.base > 7) throw StorageError("malformed SpatiaLite geometry: class " + std::to_string(t));
    c.dims = dimCode == 0 ? 2 : (dimCode == 3 ? 4 : 3);
    return c;
}

void readPoints(Reader& r, const ClassInfo& c, std::uint32_t n, Geometry& g) {
    // Each vertex costs at least 8 bytes: refuse counts the blob cannot hold before reserving.
    if (static_cast<std::uint64_t>(n) * 8 > r.remaining()) throw StorageError("malformed SpatiaLite geometry: vertex count");
    g.coords.reserve(g.coords.size() + n);
    if (!c.compressed) {
        for (std::uint32_t i = 0; i < n; ++i) {
            const double x = r.f64();
            const double y = r.f64();
            r.skip(static_cast<std::size_t>(c.dims - 2) * 8);
            g.coords.push_back({x, y});
        }
        return;
    }
    // Compressed: first and last vertices in full, the rest as float deltas (z/m likewise).
    Vec2 prev{};
    for (std::uint32_t i = 0; i < n; ++i) {
        if (i == 0 || i + 1 == n) {
            prev = {r.f64(), r.f64()};
            r.skip(static_cast<std::size_t>(c.dims - 2) * 8);
        } else {
            const double dx = r.f32();
            const double dy = r.f32();
            r.skip(static_cast<std::size_t>(c.dims - 2) * 4);
            prev = {prev.x + dx, prev.y + dy};
        }
        g.coords.push_back(prev);
    }
}

void readBody(Reader& r, const ClassInfo& c, Geometry& g) {
    switch (c.base) {
    case 1: { // point: never compressed
        const double x = r.f64();
        const double y = r.f64();
        r.skip(static_cast<std::size_t>(c.dims - 2) * 8);
        g.coords.push_back({x, y});
        g.ringEnds.push_back(static_cast<std::uint32_t>(g.coords.size()));
        break;
    }
    case 2: {
        readPoints(r, c, r.u32(), g);
        g.ringEnds.push_back(static_cast<std::uint32_t>(g.coords.size()));
        break;
    }
    case 3: {
        const std::uint32_t rings = r.u32();
        if (static_cast<std::uint64_t>(rings) * 4 > r.remaining()) throw StorageError("malformed SpatiaLite geometry: ring count");
        for (std::uint32_t i = 0; i < rings; ++i) {
            readPoints(r, c, r.u32(), g);
            g.ringEnds.push_back(static_cast<std::uint32_t>(g.coords.size()));
        }
        g.partEnds.push_back(static_cast<std::uint32_t>(g.ringEnds.size()));
        break;
    }
    default: {
        const std::uint32_t n = r.u32();
        if (static_cast<std::uint64_t>(n) * 5 > r.remaining()) throw StorageError("malformed SpatiaLite geometry: part count");
        for (std::uint32_t i = 0; i < n; ++i) {
            if (r.byte() != kEntity) throw StorageError("malformed SpatiaLite geometry: entity marker");
            const ClassInfo sub = classify(r.u32());
            if (sub.base > 3) throw StorageError("malformed SpatiaLite geometry: nested collection");
            readBody(r, sub, g);
        }
    }
    }
}

GeomType typeOf(int base) {
    switch (base) {
    case 1: return GeomType::Point;
    case 2: return GeomType::LineString;
    case 3: return GeomType::Polygon;
    case 4: return GeomType::MultiPoint;
    case 5: return GeomType::MultiLineString;
    case 6: return GeomType::MultiPolygon;
    default: return GeomType::MultiPolygon; // collections: drawn as their polygonal parts
    }
}

class Writer {
public:
    void byte(std::uint8_t b) { m_out.push_back(static_cast<char>(b)); }
    void u32(std::uint32_t v) { m_out.append(reinterpret_cast<const char*>(&v), 4); }
    void f64(double d) { m_out.append(reinterpret_cast<const char*>(&d), 8); }
    std::string take() { return std::move(m_out); }
    void reserve(std::size_t n) { m_out.reserve(n); }

private:
    std::string m_out;
};

void writeRing(Writer& w, const Geometry& g, std::size_t ring) {
    const auto b = g.ringBegin(ring);
    const auto e = g.ringEnds[ring];
    w.u32(e - b);
    for (auto i = b; i < e; ++i) {
        w.f64(g.coords[i].x);
        w.f64(g.coords[i].y);
    }
}

void writePolygon(Writer& w, const Geometry& g, std::size_t firstRing, std::size_t endRing) {
    w.u32(static_cast<std::uint32_t>(endRing - firstRing));
    for (auto r = firstRing; r < endRing; ++r) writeRing(w, g, r);
}

} // namespace

void decodeSpatialiteBlob(std::string_view blob, Geometry& out) {
    out.coords.clear();
    out.ringEnds.clear();
    out.partEnds.clear();
    out.type = GeomType::None;
    if (blob.size() < 44 || static_cast<unsigned char>(blob[0]) != kStart ||
        static_cast<unsigned char>(blob[38]) != kMbrEnd || static_cast<unsigned char>(blob.back()) != kEnd)
        throw StorageError("malformed SpatiaLite geometry: bad header");
    const bool little = static_cast<unsigned char>(blob[1]) == kLittle;
    Reader r(blob.substr(0, blob.size() - 1), little);
    r.skip(39);
    const ClassInfo c = classify(r.u32());
    out.type = typeOf(c.base);
    readBody(r, c, out);
}

model::Rect blobBounds(std::string_view blob) {
    if (blob.size() < 44 || static_cast<unsigned char>(blob[0]) != kStart) return {};
    Reader r(blob, static_cast<unsigned char>(blob[1]) == kLittle);
    r.skip(6);
    const double x0 = r.f64(), y0 = r.f64(), x1 = r.f64(), y1 = r.f64();
    return model::Rect{x0, y0, x1, y1};
}

std::string encodeSpatialiteBlob(const Geometry& g, int srid) {
    static_assert(std::endian::native == std::endian::little, "the encoder writes little-endian blobs");
    Writer w;
    w.reserve(60 + g.coords.size() * 16);
    const model::Rect b = g.bounds();
    w.byte(kStart);
    w.byte(kLittle);
    w.u32(static_cast<std::uint32_t>(srid));
    w.f64(b.xmin);
    w.f64(b.ymin);
    w.f64(b.xmax);
    w.f64(b.ymax);
    w.byte(kMbrEnd);
    switch (g.type) {
    case GeomType::Point:
        w.u32(1);
        w.f64(g.coords.at(0).x);
        w.f64(g.coords.at(0).y);
        break;
    case GeomType::LineString:
        w.u32(2);
        writeRing(w, g, 0);
        break;
    case GeomType::Polygon:
        w.u32(3);
        writePolygon(w, g, 0, g.ringEnds.size());
        break;
    case GeomType::MultiPoint:
        w.u32(4);
        w.u32(static_cast<std::uint32_t>(g.coords.size()));
        for (const auto& p : g.coords) {
            w.byte(kEntity);
            w.u32(1);
            w.f64(p.x);
            w.f64(p.y);
        }
        break;
    case GeomType::MultiLineString:
        w.u32(5);
        w.u32(static_cast<std::uint32_t>(g.ringEnds.size()));
        for (std::size_t i = 0; i < g.ringEnds.size(); ++i) {
            w.byte(kEntity);
            w.u32(2);
            writeRing(w, g, i);
        }
        break;
    case GeomType::MultiPolygon: {
        w.u32(6);
        w.u32(static_cast<std::uint32_t>(g.partEnds.size()));
        std::size_t first = 0;
        for (auto end : g.partEnds) {
            w.byte(kEntity);
            w.u32(3);
            writePolygon(w, g, first, end);
            first = end;
        }
        break;
    }
    case GeomType::None: throw StorageError("cannot encode an empty geometry");
    }
    w.byte(kEnd);
    return w.take();
}

} // namespace gridatlas::storage
