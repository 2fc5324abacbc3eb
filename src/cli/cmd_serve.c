/* hukou serve --db PATH [--listen HOST:PORT] ... : the HTTP JSON API (src/http/, docs/http.md)
 * and the web portal's files (--web DIR).
 * Runs until SIGTERM or SIGINT, then stops accepting, lets requests in flight finish, and
 * exits 0. */
#include <errno.h>
#include <signal.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pthread.h>

#include "cli/cli.h"
#include "core/date.h"
#include "core/error.h"
#include "http/http.h"
#include "store/store.h"
#include "store/store_auth.h"

static void usage(FILE *out)
{
  fputs(
      "用法 / usage: hukou serve --db PATH [--listen HOST:PORT] [--policies DIR] [--threads N]\n"
      "                   [--rate N] [--burst N] [--timeout S]\n"
      "                   [--header-deadline S] [--request-deadline S] [--trust-proxy ADDR]\n"
      "                   [--signin-delay-after N] [--signin-lock-after N]\n"
      "                   [--signin-address-after N] [--max-per-address N]\n"
      "                   [--max-connections N] [--openapi FILE] [--no-access-log]\n"
      "                   [--access-flush S] [--settlement-days N] [--today YYYY-MM-DD]\n"
      "                   [--web DIR] [--secure-cookies] [--keys DIR]\n"
      "                   [--material-max-mib N] [--materials-per-application N]\n"
      "                   [--checkpoint FILE [--checkpoint-every S]]\n"
      "  以 HTTP 提供 JSON 接口（/api/v1/…，见 docs/http.md）和网上门户（/），收到\n"
      "  SIGTERM/SIGINT 后处理完进行中的请求再退出。\n"
      "  Serves the JSON API over HTTP (/api/v1/..., see docs/http.md) and the web portal (/);\n"
      "  on SIGTERM or SIGINT it finishes the requests in flight, writes the access log queued\n"
      "  so far and exits 0.\n"
      "  Accounts: hukou user add; department keys: hukou key add.\n"
      "  --listen HOST:PORT   监听地址 / address (default 127.0.0.1:8080; port 0 picks a free\n"
      "                       port, printed on stdout)\n"
      "  --threads N          工作线程数 / worker threads (default 2)\n"
      "  --policies DIR       政策文件目录 / policy directory (default $HUKOU_POLICIES or the\n"
      "                       source tree's policies/)\n"
      "  --rate N --burst N   资格判定和登录接口每个客户端地址的限流 / POST /api/v1/eligibility\n"
      "                       and /api/v1/sessions per client address: N per second, bursts\n"
      "                       of N (default 20 and 40; --rate 0 turns it off)\n"
      "  --signin-delay-after N  同一账户连续登录失败 N 次后须等待 1、2、4…秒（至多 15\n"
      "                       分钟）/ after N failed sign-ins in a row an account's next ones\n"
      "                       wait 1, 2, 4 ... s, up to 15 min (default 5; 0 turns it off)\n"
      "  --signin-lock-after N  从未登录成功的地址连续失败 N 次即锁定账户 1 小时 / N failures\n"
      "                       from addresses that never signed in to it lock an account for\n"
      "                       an hour against them (default 20; hukou user enable releases)\n"
      "  --signin-address-after N  同一地址登录失败 N 次后须等待 / failed sign-ins from one\n"
      "                       address before its own delays (default 20; 0 turns it off)\n"
      "  --timeout S          空闲或过慢连接的超时 / idle or slow connections close after S\n"
      "                       seconds (default 10)\n"
      "  --header-deadline S  请求头须在 S 秒内收齐，否则断开 / a request's headers must all\n"
      "                       arrive within S seconds of the connection or of its previous\n"
      "                       answer, however slowly they trickle (default 10; 0 off)\n"
      "  --request-deadline S 请求体须在收到请求头后 S 秒内收齐 / and its body within S\n"
      "                       seconds of the headers (default 300; 0 off)\n"
      "  --trust-proxy ADDR   前置反向代理的地址：只对来自它的连接，以 X-Forwarded-For "
      "的最后一项为\n"
      "                       客户端地址（限流与登录节流按此计）/ the reverse proxy in front: for "
      "its\n"
      "                       connections only, the client is X-Forwarded-For's last entry (the\n"
      "                       rate limits and sign-in throttling count by it)\n"
      "  --max-connections N  最大连接数 / connections at once (default 1000; 200 per address)\n"
      "  --max-per-address N  每个客户端地址的连接数上限（反向代理之后须调高）/ connections\n"
      "                       from one address (default 200; raise it behind a proxy, where\n"
      "                       every client has the proxy's address)\n"
      "  --openapi FILE       OpenAPI 文档 / the document served at /api/v1/openapi.json\n"
      "  --web DIR            门户文件目录（index.html 与 assets/）/ the portal's files\n"
      "                       (index.html and assets/; default $HUKOU_WEB or the build's web/;\n"
      "                       without it only the API is served)\n"
      "  --secure-cookies     会话 Cookie 总带 Secure（经 TLS 提供服务时）/ the session cookie\n"
      "                       always carries Secure (served behind TLS; X-Forwarded-Proto:\n"
      "                       https sets it per request)\n"
      "  --keys DIR           证照密钥目录（hukou keys init 生成），启动时读取签名私钥；未给出时\n"
      "                       签发、核验证照的接口答复 503 / the certificate keys (made by\n"
      "                       hukou keys init), opened with the signing key at start;\n"
      "                       without it the certificate routes that sign or verify answer\n"
      "                       503 unavailable\n"
      "  --no-access-log      不写访问日志 / no JSON access log on stderr (benchmarks)\n"
      "  --access-flush S     人员数据查阅记录至少每 S 秒写入一次 / the log of person reads is\n"
      "                       written at least every S seconds (default 0.1; all of it on stop)\n"
      "  --settlement-days N  落户申请办理期限（天）/ days for a settlement decision from\n"
      "                       acceptance (default 30), as hukou application --settlement-days\n"
      "  --material-max-mib N 申请材料单个文件上限（MiB）/ an uploaded material's size limit\n"
      "                       in MiB (default 10)\n"
      "  --materials-per-application N  每件申请至多 N 个文件 / files one application may\n"
      "                       hold (default 20)\n"
      "  --checkpoint FILE    启动时、每 S 秒（默认 600）和停止时把审计链末端写入检查点文件\n"
      "                       （同 hukou audit checkpoint --to FILE）/ writes a checkpoint of\n"
      "                       the audit chains' heads at start, every S seconds (default 600)\n"
      "                       and at stop, as hukou audit checkpoint --to FILE does\n"
      "  --today YYYY-MM-DD   仅供测试：业务办理日期固定为该日 / testing only: the services\n"
      "                       (residence, applications, permits, households) take this day as\n"
      "                       today\n",
      out);
}

static int bad(const char *field, const char *detail)
{
  hk_error err;
  hk_error_set(&err, HK_EINVAL, field, "%s", detail);
  return hk_cli_fail("serve", &err);
}

/* A whole number in [min, max]. */
static bool number(const char *s, long min, long max, long *out)
{
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max)
    return false;
  *out = v;
  return true;
}

static hk_status count_enabled(const hk_account_row *row, void *cls, hk_error *err)
{
  (void)err;
  if (!row->disabled)
    ++*(int *)cls;
  return HK_OK;
}

/* A registry without a usable account serves only the open routes: say so at start, so that an
 * operator trying the server for the first time knows why every sign-in fails. (The database is
 * not named: a PostgreSQL address may hold a password.) */
static void hint_when_no_accounts(const char *db)
{
  hk_store *st = NULL;
  hk_error err = {0};
  int n = 0;
  if (hk_store_open(db, HK_STORE_READONLY, &st, &err) != HK_OK)
    return;
  hk_status rc = hk_store_account_each(st, count_enabled, &n, &err);
  hk_store_close(st);
  if (rc == HK_OK && n == 0)
    fputs("hukou serve: 尚无可用账号，只能使用公开接口；请用 hukou user add NAME --role admin --db "
          "DB 创建 / no usable account yet: only the open routes answer; create one with "
          "hukou user add NAME --role admin --db DB\n",
          stderr);
}

/* --checkpoint: a thread writing a checkpoint every `every` seconds until told to stop. */
typedef struct checkpointer {
  const char *db, *file;
  long every;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  bool stopping;
} checkpointer;

static void checkpoint_now(const checkpointer *c)
{
  char summary[256];
  hk_error err = {0};
  if (hk_cli_checkpoint_write(c->db, c->file, summary, &err) != HK_OK)
    fprintf(stderr, "hukou serve: 检查点未写入 / checkpoint not written: %s: %s\n", err.field,
            err.detail);
}

static void *checkpoint_loop(void *arg)
{
  checkpointer *c = arg;
  pthread_mutex_lock(&c->lock);
  while (!c->stopping) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += c->every;
    while (!c->stopping && pthread_cond_timedwait(&c->wake, &c->lock, &until) != ETIMEDOUT) {
    }
    if (c->stopping)
      break;
    pthread_mutex_unlock(&c->lock);
    checkpoint_now(c);
    pthread_mutex_lock(&c->lock);
  }
  pthread_mutex_unlock(&c->lock);
  return NULL;
}

int hk_cmd_serve(int argc, char **argv)
{
  checkpointer cp = {
      .every = 600, .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};
  hk_http_config cfg;
  hk_http_config_defaults(&cfg);
  static char host[64];
  long v;
  if (hk_cli_wants_help(argc, argv)) {
    usage(stdout);
    return HK_EXIT_OK;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--no-access-log") == 0) {
      cfg.access_log = false;
      continue;
    }
    if (strcmp(a, "--secure-cookies") == 0) {
      cfg.secure_cookies = true;
      continue;
    }
    if (next == NULL || a[0] != '-') {
      usage(stderr);
      return HK_EXIT_USAGE;
    }
    i++;
    if (strcmp(a, "--db") == 0) {
      cfg.db_path = next;
    } else if (strcmp(a, "--policies") == 0) {
      cfg.policy_dir = next;
    } else if (strcmp(a, "--openapi") == 0) {
      cfg.openapi = next;
    } else if (strcmp(a, "--web") == 0) {
      cfg.web_dir = next;
    } else if (strcmp(a, "--keys") == 0) {
      cfg.keys_dir = next;
    } else if (strcmp(a, "--listen") == 0) {
      const char *colon = strrchr(next, ':');
      if (colon == NULL || (size_t)(colon - next) >= sizeof host ||
          !number(colon + 1, 0, 65535, &v))
        return bad("--listen", "expected HOST:PORT, e.g. 127.0.0.1:8080");
      memcpy(host, next, (size_t)(colon - next));
      host[colon - next] = '\0';
      cfg.host = host;
      cfg.port = (uint16_t)v;
    } else if (strcmp(a, "--today") == 0) {
      hk_date d;
      if (!hk_date_parse(next, &d))
        return bad("--today", "not a date (YYYY-MM-DD)");
      cfg.today = d;
    } else if (strcmp(a, "--settlement-days") == 0) {
      if (!number(next, 1, 3650, &v))
        return bad("--settlement-days", "expected a number of days from 1 to 3650");
      cfg.settlement_days = (int)v;
    } else if (strcmp(a, "--material-max-mib") == 0) {
      if (!number(next, 1, 100, &v))
        return bad("--material-max-mib", "expected a number of MiB from 1 to 100");
      cfg.material_max_bytes = (size_t)v << 20;
    } else if (strcmp(a, "--materials-per-application") == 0) {
      if (!number(next, 1, 1000, &v))
        return bad("--materials-per-application", "expected a number from 1 to 1000");
      cfg.materials_per_application = (int)v;
    } else if (strcmp(a, "--threads") == 0) {
      if (!number(next, 1, 64, &v))
        return bad("--threads", "expected a number from 1 to 64");
      cfg.threads = (unsigned)v;
    } else if (strcmp(a, "--rate") == 0) {
      if (!number(next, 0, 1000000, &v))
        return bad("--rate", "expected requests per second (0: no limit)");
      cfg.rate = (double)v;
    } else if (strcmp(a, "--burst") == 0) {
      if (!number(next, 1, 1000000, &v))
        return bad("--burst", "expected a number of requests");
      cfg.burst = (double)v;
    } else if (strcmp(a, "--signin-delay-after") == 0) {
      if (!number(next, 0, 1000, &v))
        return bad("--signin-delay-after", "expected a number of failures from 0 to 1000");
      cfg.signin.delay_after = (int)v;
    } else if (strcmp(a, "--signin-lock-after") == 0) {
      if (!number(next, 1, 1000, &v))
        return bad("--signin-lock-after", "expected a number of failures from 1 to 1000");
      cfg.signin.lock_after = (int)v;
    } else if (strcmp(a, "--signin-address-after") == 0) {
      if (!number(next, 0, 100000, &v))
        return bad("--signin-address-after", "expected a number of failures from 0 to 100000");
      cfg.signin_address_after = (int)v;
    } else if (strcmp(a, "--timeout") == 0) {
      if (!number(next, 1, 3600, &v))
        return bad("--timeout", "expected seconds from 1 to 3600");
      cfg.timeout_s = (unsigned)v;
    } else if (strcmp(a, "--trust-proxy") == 0) {
      unsigned char bin[16];
      if (inet_pton(AF_INET, next, bin) != 1 && inet_pton(AF_INET6, next, bin) != 1)
        return bad("--trust-proxy", "expected the proxy's IP address, e.g. 127.0.0.1");
      cfg.trusted_proxy = next;
    } else if (strcmp(a, "--header-deadline") == 0) {
      if (!number(next, 0, 3600, &v))
        return bad("--header-deadline", "expected seconds from 0 to 3600");
      cfg.header_deadline_s = (unsigned)v;
    } else if (strcmp(a, "--request-deadline") == 0) {
      if (!number(next, 0, 86400, &v))
        return bad("--request-deadline", "expected seconds from 0 to 86400");
      cfg.request_deadline_s = (unsigned)v;
    } else if (strcmp(a, "--access-flush") == 0) {
      char *end;
      double s = strtod(next, &end);
      if (*end || end == next || !(s >= 0.001 && s <= 3600))
        return bad("--access-flush", "expected seconds from 0.001 to 3600");
      cfg.access_flush = s;
    } else if (strcmp(a, "--checkpoint") == 0) {
      cp.file = next;
    } else if (strcmp(a, "--checkpoint-every") == 0) {
      if (!number(next, 1, 86400, &cp.every))
        return bad("--checkpoint-every", "expected seconds from 1 to 86400");
    } else if (strcmp(a, "--max-connections") == 0) {
      if (!number(next, 1, 100000, &v))
        return bad("--max-connections", "expected a number from 1 to 100000");
      cfg.max_connections = (unsigned)v;
      if (cfg.max_per_client > cfg.max_connections)
        cfg.max_per_client = cfg.max_connections;
    } else if (strcmp(a, "--max-per-address") == 0) {
      if (!number(next, 1, 100000, &v))
        return bad("--max-per-address", "expected a number from 1 to 100000");
      cfg.max_per_client = (unsigned)v;
    } else {
      usage(stderr);
      return HK_EXIT_USAGE;
    }
  }
  if (cfg.db_path == NULL)
    return bad("--db", "missing: name the database file with --db PATH");

  /* The signals are taken by sigwait below: block them before any thread starts, so the
   * server's threads inherit the mask and none of them is interrupted by a stop request. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);

  hk_error err = {0};
  hk_http_server *srv;
  if (hk_http_start(&cfg, &srv, &err) != HK_OK)
    return hk_cli_fail("serve", &err);
  if (cfg.today != HK_DATE_NONE)
    fprintf(stderr, "hukou serve: 警告：--today 固定了业务办理日期，仅供测试 / warning: --today "
                    "fixes the services' date; for testing only\n");
  hint_when_no_accounts(cfg.db_path);
  /* The first checkpoint at start: a file or key that cannot be written stops the start. */
  pthread_t checkpoints;
  if (cp.file) {
    char summary[256];
    cp.db = cfg.db_path;
    if (hk_cli_checkpoint_write(cp.db, cp.file, summary, &err) != HK_OK) {
      hk_http_stop(srv, 10);
      return hk_cli_fail("serve", &err);
    }
    if (pthread_create(&checkpoints, NULL, checkpoint_loop, &cp) != 0) {
      hk_http_stop(srv, 10);
      return bad("--checkpoint", "cannot start the checkpoint thread");
    }
  }
  printf("hukou serve: 正在监听 / listening on http://%s:%u\n", cfg.host,
         (unsigned)hk_http_port(srv));
  fflush(stdout);

  int sig = 0;
  sigwait(&stop, &sig);
  fprintf(stderr, "hukou serve: 收到 %s，正在停止 / %s received, finishing requests in flight\n",
          sig == SIGTERM ? "SIGTERM" : "SIGINT", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  uint64_t served = hk_http_stop(srv, 10);
  if (cp.file) {
    /* The last one after the stop, so it sees the access log written at the stop. */
    pthread_mutex_lock(&cp.lock);
    cp.stopping = true;
    pthread_cond_signal(&cp.wake);
    pthread_mutex_unlock(&cp.lock);
    pthread_join(checkpoints, NULL);
    checkpoint_now(&cp);
  }
  fprintf(stderr, "hukou serve: 已停止 / stopped after %llu request(s)\n",
          (unsigned long long)served);
  return HK_EXIT_OK;
}
