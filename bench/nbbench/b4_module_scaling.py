"""B4: the module's own wall time and peak RSS at 1k / 10k / 100k jobs.

The module runs on an inventory host with connection local whose
ansible_python_interpreter is the recording wrapper of rss_interpreter.py, so both
figures belong to the module's process alone (see that file). The memory floor is the
raw fetch's own peak RSS in a fresh process (raw_fetch_memory.py), measured as many times
as the module. Payload = the bytes of the complete detailed jobs JSON for that count,
fetched once with requests (in the note).
"""

from __future__ import annotations

from nbbench.context import BenchContext, host_vars
from nbbench.raw_fetch import payload_size
from nbbench.raw_fetch_memory import peak_rss_mib
from nbbench.rows import Figure, Row
from nbbench.rss_interpreter import read_records, write_interpreter
from nbbench.stats import ratio, side_by_side

MIB = 1024 * 1024
PING = "ping"


def measure(ctx: BenchContext) -> list:
    interpreter, log = write_interpreter(ctx.workdir, ctx.plays.python())
    counts = sorted(ctx.profile.b4_repeats)
    inventories = {
        count: ctx.plays.write_inventory("b4-%d" % count, {"nb1": host_vars(ctx.servers_by_jobs[count])},
                                         {"ansible_python_interpreter": interpreter})
        for count in counts
    }
    rss = {count: [] for count in counts}
    rss[PING] = []

    def run_module(count) -> float:
        before = len(read_records(log))
        playbook = "ping.yml" if count == PING else "module_on_host.yml"
        ctx.plays.run(playbook, inventories[counts[0] if count == PING else count], "b4-%s" % count)
        records = read_records(log)[before:]
        if len(records) != 1 or records[0]["rc"] != 0:
            raise RuntimeError("expected one successful module process for %s, the wrapper saw %r" % (count, records))
        rss[count].append(records[0]["maxrss_kib"] / 1024)
        return records[0]["wall_s"]

    # Interleaved; ansible.builtin.ping through the same wrapper gives the memory of a module
    # process that holds no jobs at all.
    repeats = dict(ctx.profile.b4_repeats)
    repeats[PING] = max(repeats.values())
    walls = side_by_side({count: (lambda c=count: run_module(c)) for count in counts + [PING]}, repeats)
    bare = Figure(rss[PING], "MiB").value

    rows = []
    small, large = 10_000, 100_000
    if small in walls and large in walls:
        ours, ref = Figure(walls[large]), Figure(walls[small])
        rows.append(Row(id="B4 time", what="module process wall, 100k jobs vs 10k jobs (1k: %s)" % Figure(walls.get(1_000, [])),
                        ours=ours, reference=ref, ratio=ratio(ours.value, ref.value), target="<= 11x (linear)", limit=11.0).judge())
    for count in counts:
        server = ctx.servers_by_jobs[count]
        size, returned = payload_size(server)
        peak = Figure(rss[count], "MiB")
        # The floor in a fresh process each time, as often as the module ran: it is the reference, not a remark.
        floor = Figure([peak_rss_mib(server) for _run in range(ctx.profile.b4_repeats[count])], "MiB")
        payload = size / MIB
        rows.append(Row(id="B4 RSS %dk" % (count // 1000), what="module process peak RSS vs the raw fetch's own peak, %d jobs" % returned,
                        ours=peak, reference=floor, ratio=ratio(peak.value, floor.value),
                        target="<= 1.3x raw fetch peak", limit=1.3,
                        note="raw fetch = requests + json.loads of the complete list in a fresh Python; payload %.1f MiB"
                        " (module %.2fx, raw fetch %.2fx of it); a bare module process (ansible.builtin.ping through the same"
                        " wrapper) peaks at %.1f MiB" % (payload, ratio(peak.value, payload), ratio(floor.value, payload), bare)).judge())
    return rows
