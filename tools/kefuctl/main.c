/*  kefuctl — the command-line client and admin tool of kefu: parses the
 *  global options and the command name, and hands over to the command
 *  (cmd_submit.c, cmd_show.c, cmd_list.c, cmd_event.c, cmd_due.c, cmd_clocks.c, cmd_board.c, cmd_report.c, admin.c).
 *  docs/kefuctl.md is the manual. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cmd_callback.h"
#include "cmd_claim.h"
#include "cmd_customers.h"
#include "cmd_provider.h"
#include "cmd_inspect.h"
#include "cmd_ledger.h"
#include "kctl.h"
#include "base/log.h"

static const char s_usage[] =
    "usage: kefuctl [--config FILE] [--endpoint E] [--json] [--timeout-ms N] [--retries N] COMMAND ...\n"
    "commands:\n"
    "  submit ...                 submit a service request (kefuctl submit --help)\n"
    "  show TICKET_ID             a ticket and its whole history\n"
    "  list [filters]             tickets (kefuctl list --help)\n"
    "  event ID EVENT --by NAME   record a reply, pause, arrival, resolution, reopening,\n"
    "                             acknowledgement ... (kefuctl event --help)\n"
    "  due --branch B --hours N   when a promise of N business hours is due (kefuctl due --help)\n"
    "  clocks ID                  a ticket's SLA clocks: target, due, remaining, state, level\n"
    "  board [--branch B] [--watch N]  the SLA board: open tickets green / yellow / red per branch\n"
    "  report [--branch B] [--from D --to D] [--csv]  SLA compliance per branch and clock (kefuctl report --help)\n"
    "  done WO --cause C --labour-minutes N ...  a technician's done report (kefuctl done --help)\n"
    "  workorders TICKET_ID       a ticket's work orders: visits, reworks, revisits\n"
    "  inspections [--limit N]    the inspection levels you may sign now\n"
    "  scores sample|form|notice|assess|report ...  the monthly scores (kefuctl scores --help)\n"
    "  inspect show WO | sign WO LEVEL --item NAME=READING ...  a work order's inspection\n"
    "                             record; sign a level (kefuctl inspect --help)\n"
    "  customers --phone P | --name N  customers of your branches (kefuctl customers --help)\n"
    "  screenpop open PHONE | show ID  a phone system's screen pop (kefuctl screenpop --help)\n"
    "  callbacks [--upcoming] [--all]  an agent's calls to make now; callback attempt|outcome|\n"
    "                             rest-hours|coverage|satisfaction ... (kefuctl callback --help)\n"
    "  claim file|show|review|decide|part-returned|part-checked ...  warranty claims\n"
    "                             (kefuctl claim --help); claims [--status S]  the claims list\n"
    "  lot defect LOT COUNT       defects found in a lot; return pre-sale LOT | after-sale CLAIM | show ID\n"
    "  statement P --quarter Q [--month M] [--csv]  a service provider's statement\n"
    "  provider month|penalty|fraud|incident|deposit|settle|notice|confirm ...  providers'\n"
    "                             settlement (kefuctl provider --help)\n"
    "  invoices [filters]         invoices with their balances; invoice show|void|issue ...\n"
    "                             (kefuctl invoice --help)\n"
    "  pay NUMBER --amount 12.50 --ref R  record a payment against an invoice\n"
    "  diagnose WO --fault C --labour-minutes N ...  the technician's diagnosis (kefuctl diagnose --help)\n"
    "  estimate show|approve|confirm WO ...  a work order's estimate (kefuctl estimate --help)\n"
    "  settlement show|accept|dispute|decide WO ...  a job's settlement; WO --print text|html\n"
    "  ledger [filters] [--csv]   the ledger's entries; account PARTY: a party's balances\n"
    "  reconcile --branch B --month YYYY-MM [--csv]  the monthly report, reconciled with the ledger\n"
    "  admin migrate              apply database migrations\n"
    "  admin load ORG.yaml        load the organisation into the reference tables\n"
    "  admin dead-letters [--service S]   list dead letters\n"
    "  admin requeue SERVICE ID   send a dead outbox message again\n"
    "  admin wait-ready [--services a,b] [--timeout-ms N]\n"
    "                                    wait until the services (default: all six) are up\n"
    "  admin check-config [FILE]  check a whole configuration file: the shared part and every section\n"
    "global options (also accepted after the command):\n"
    "  --config FILE    configuration (default $KEFU_CONFIG or " KCTL_DEFAULT_CONFIG ")\n"
    "  --endpoint E     request endpoint of the service asked (default services.intake.api;\n"
    "                   services.dispatch.api for due, clocks, board, report, done, workorders;\n"
    "                   services.qc.api for inspections, inspect, scores;\n"
    "                   services.callback.api for callbacks, callback;\n"
    "                   services.billing.api for statement, provider, invoices, invoice, pay,\n"
    "                   ledger, reconcile, account;\n"
    "                   services.claims.api for claim, claims, lot, return)\n"
    "  --json           machine-readable output\n"
    "  --timeout-ms N   per-attempt reply time-out (default 5000)\n"
    "  --retries N      extra attempts on time-out or \"unavailable\" (default 5)\n"
    "exit status: 0 success, 1 refused or unreachable, 2 bad arguments or configuration\n";

int main (int argc, char **argv)
{
    setlocale (LC_ALL, "C.UTF-8");
    log_init ("kefuctl", "kefuctl", LOG_WARN);
    kctl_t k;
    kctl_init (&k);
    /* global options before the command */
    int i = 1;
    for (; i < argc; i++) {
        if (strncmp (argv[i], "--", 2) != 0)
            break;
        const args_spec_t *const specs[] = { k.globals, NULL };
        const char *eq = strchr (argv[i], '=');
        bool takes_value = strcmp (argv[i], "--json") != 0 && strcmp (argv[i], "--help") != 0 && !eq;
        int n = takes_value && i + 1 < argc ? 2 : 1;
        int npos = 0;
        if (args_parse ("", specs, n, argv + i, NULL, 0, &npos) != 0) {
            kctl_fini (&k);
            return KCTL_USAGE;
        }
        i += n - 1;
    }
    int rc;
    if (i >= argc) {
        if (k.help) {
            fputs (s_usage, stdout);
            rc = KCTL_OK;
        }
        else {
            fputs ("kefuctl: the command is missing (expected submit, show, list, event, due, clocks, board, report, done, workorders or admin; kefuctl --help)\n", stderr);
            rc = KCTL_USAGE;
        }
    }
    else if (strcmp (argv[i], "submit") == 0)
        rc = cmd_submit (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "show") == 0)
        rc = cmd_show (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "list") == 0)
        rc = cmd_list (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "event") == 0)
        rc = cmd_event (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "due") == 0)
        rc = cmd_due (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "clocks") == 0)
        rc = cmd_clocks (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "board") == 0)
        rc = cmd_board (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "report") == 0)
        rc = cmd_report (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "done") == 0)
        rc = cmd_done (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "workorders") == 0)
        rc = cmd_workorders (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "inspections") == 0)
        rc = cmd_inspections (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "scores") == 0)
        rc = cmd_scores (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "inspect") == 0)
        rc = cmd_inspect (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "customers") == 0)
        rc = cmd_customers (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "screenpop") == 0)
        rc = cmd_screenpop (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "callbacks") == 0)
        rc = cmd_callbacks (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "callback") == 0)
        rc = cmd_callback (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "claim") == 0)
        rc = cmd_claim (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "claims") == 0)
        rc = cmd_claims (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "lot") == 0)
        rc = cmd_lot (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "return") == 0)
        rc = cmd_return (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "invoices") == 0)
        rc = cmd_invoices (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "invoice") == 0)
        rc = cmd_invoice (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "pay") == 0)
        rc = cmd_pay (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "ledger") == 0)
        rc = cmd_ledger (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "reconcile") == 0)
        rc = cmd_reconcile (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "account") == 0)
        rc = cmd_account (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "admin") == 0)
        rc = cmd_admin (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "statement") == 0)
        rc = cmd_statement (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "provider") == 0)
        rc = cmd_provider (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "diagnose") == 0)
        rc = cmd_diagnose (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "estimate") == 0)
        rc = cmd_estimate (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "settlement") == 0)
        rc = cmd_settlement (&k, argc - i - 1, argv + i + 1);
    else if (strcmp (argv[i], "help") == 0) {
        fputs (s_usage, stdout);
        rc = KCTL_OK;
    }
    else {
        fprintf (stderr, "kefuctl: unknown command \"%s\" (expected submit, show, list, event, due, clocks, board, report, done, workorders or admin)\n", argv[i]);
        rc = KCTL_USAGE;
    }
    kctl_fini (&k);
    return rc;
}
