/**
 * The services the jobs tests run against, set up from nothing by the tests themselves: a Ray head node
 * (from PyPI, into .cache/jobs/ray-venv, pinned in test/jobs/requirements-ray.txt; not part of
 * requirements.txt, so `make lab` and Binder never install it) and a single-node Slurm cluster (Debian's
 * slurm-wlm and munge, installed and configured when running as root, as CI does).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(__dirname, '../..')
const RAY_VENV = join(ROOT, '.cache', 'jobs', 'ray-venv')
const RAY_REQUIREMENTS = join(__dirname, 'requirements-ray.txt')
export const RAY_DASHBOARD_PORT = 8265

/** Installs Ray into its own venv when missing or when its pinned requirements changed. */
export function ensureRay(): string {
  const stamp = join(RAY_VENV, '.glasswing-requirements')
  const wanted = readFileSync(RAY_REQUIREMENTS, 'utf8')
  const ray = join(RAY_VENV, 'bin', 'ray')
  if (existsSync(ray) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return ray
  mkdirSync(RAY_VENV, { recursive: true })
  run('python3', ['-m', 'venv', RAY_VENV])
  run(join(RAY_VENV, 'bin', 'pip'), ['install', '--quiet', '-r', RAY_REQUIREMENTS])
  writeFileSync(stamp, wanted)
  return ray
}

/** Starts a local head with 2 CPUs and its dashboard on 127.0.0.1; returns the dashboard address. */
export async function startRayHead(ray: string): Promise<string> {
  spawnSync(ray, ['stop', '--force'], { stdio: 'ignore' })
  run(ray, [
    'start',
    '--head',
    '--num-cpus=2',
    '--num-gpus=0',
    '--dashboard-host=127.0.0.1',
    `--dashboard-port=${RAY_DASHBOARD_PORT}`,
    '--include-dashboard=true',
    '--disable-usage-stats',
  ])
  const address = `http://127.0.0.1:${RAY_DASHBOARD_PORT}`
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${address}/api/version`)
      if (response.ok) return address
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`the Ray dashboard did not answer on ${address} within 60 s`)
}

export function stopRayHead(ray: string): void {
  spawnSync(ray, ['stop', '--force'], { stdio: 'ignore' })
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`,
    )
  }
}

/** True when this process may install Debian packages. */
function isRoot(): boolean {
  return process.getuid?.() === 0
}

const SLURM_CONF = '/etc/slurm/slurm.conf'

/**
 * Installs and starts a single-node Slurm cluster (munge, slurmctld, slurmd) on this machine when run as
 * root; returns null with the reason when it cannot.
 */
export async function ensureSlurm(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (!isRoot()) return { ok: false, reason: 'installing and starting Slurm needs root (CI runs as root)' }
  try {
    if (!existsSync('/usr/sbin/slurmctld') || !existsSync('/usr/sbin/munged')) {
      run('apt-get', ['update', '-qq'])
      run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'slurm-wlm', 'munge'])
    }
    if (!existsSync('/etc/munge/munge.key')) {
      writeFileSync(
        '/etc/munge/munge.key',
        Buffer.from(Array.from({ length: 1024 }, () => (Math.random() * 256) | 0)),
      )
      run('chown', ['munge:munge', '/etc/munge/munge.key'])
      execFileSync('chmod', ['400', '/etc/munge/munge.key'])
    }
    for (const dir of ['/run/munge', '/var/spool/slurmctld', '/var/spool/slurmd', '/var/log/slurm']) {
      mkdirSync(dir, { recursive: true })
    }
    run('chown', ['munge:munge', '/run/munge'])
    if (spawnSync('pgrep', ['-x', 'munged']).status !== 0)
      run('runuser', ['-u', 'munge', '--', '/usr/sbin/munged'])
    const node = hostname().split('.')[0] // slurmd matches NodeName against the short host name
    const conf = [
      'ClusterName=glasswing',
      `SlurmctldHost=${node}`,
      'SlurmUser=root',
      'AuthType=auth/munge',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'SchedulerType=sched/backfill',
      'ReturnToService=2',
      'StateSaveLocation=/var/spool/slurmctld',
      'SlurmdSpoolDir=/var/spool/slurmd',
      'SlurmctldLogFile=/var/log/slurm/slurmctld.log',
      'SlurmdLogFile=/var/log/slurm/slurmd.log',
      'MpiDefault=none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      `NodeName=${node} CPUs=2 State=UNKNOWN`,
      `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n')
    if (!existsSync(SLURM_CONF) || readFileSync(SLURM_CONF, 'utf8') !== conf) {
      mkdirSync('/etc/slurm', { recursive: true })
      writeFileSync(SLURM_CONF, conf)
      // Daemons already running (a previous configuration) read the new one.
      if (spawnSync('pgrep', ['-x', 'slurmctld']).status === 0) spawnSync('scontrol', ['reconfigure'])
    }
    if (spawnSync('pgrep', ['-x', 'slurmctld']).status !== 0) run('/usr/sbin/slurmctld', [])
    if (spawnSync('pgrep', ['-x', 'slurmd']).status !== 0) run('/usr/sbin/slurmd', [])
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      const info = spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8' })
      if (info.status === 0 && /idle|mix|alloc/.test(info.stdout)) return { ok: true }
      await new Promise((r) => setTimeout(r, 500))
    }
    return {
      ok: false,
      reason: `the Slurm node did not become idle: ${spawnSync('sinfo', [], { encoding: 'utf8' }).stdout}`,
    }
  } catch (error) {
    return { ok: false, reason: (error as Error).message }
  }
}
