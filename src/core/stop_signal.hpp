#pragma once
// A graceful stop on SIGTERM or SIGINT (Slurm's early warning, scancel, a time limit, Ctrl-C):
// the handler only records the signal; the search stops handing out chunks, lets the chunks in
// flight finish, and the runner checkpoints and exits with exit_status::kInterrupted.
namespace sethlab {

void install_stop_handlers();
bool stop_requested();
int stop_signal();  // the signal received, 0 if none
void request_stop_for_testing(int signal);
void clear_stop_request();  // tests only

}  // namespace sethlab
