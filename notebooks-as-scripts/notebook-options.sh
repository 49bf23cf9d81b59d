# Sourced by the shell notebooks: reads their command line into the environment variables they document, so that
# `bash SCRIPT --dataset cifar10 --epochs 5` does what `DATASET=cifar10 EPOCHS=5 bash SCRIPT` does.
#
#   notebook_options SCRIPT "NAME NAME …" "$@"
#
# Each NAME is a variable the script reads (DATASET, EPOCHS, MORE_SEEDS, …); `--dataset VALUE` or
# `--dataset=VALUE` sets it (lower case, `_` written `-`: `--more-seeds`), and an option given on the command line
# wins over the same variable in the environment. `--quick` sets QUICK=1, `--thermo PATH` sets THERMO, and
# `-h`/`--help` prints the script's opening comment and its options. Anything else (a word that is not an option,
# an option the script does not take, an option without its value) is refused before anything runs, with exit
# status 64 and the list of options.
notebook_options() {
  local script=$1 names="QUICK THERMO $2" option value name n known
  local me
  me=$(basename "$script")
  shift 2
  while [ $# -gt 0 ]; do
    case $1 in
      -h|--help) notebook_help "$script" "$names"; exit 0 ;;
      --quick) export QUICK=1; shift; continue ;;
      --*=*) option=${1%%=*}; value=${1#*=}; shift ;;
      --*)
        option=$1
        if [ $# -lt 2 ] || [ "${2#--}" != "$2" ]; then
          echo "error: $me: $option needs a value, as in '$option VALUE' ('$me --help' lists the options)" >&2
          exit 64
        fi
        value=$2; shift 2 ;;
      *)
        echo "error: $me takes options only, not '$1'; it takes $(notebook_option_list "$names") ('$me --help' explains them)" >&2
        exit 64 ;;
    esac
    name=$(printf '%s' "${option#--}" | tr 'a-z-' 'A-Z_')
    known=0
    for n in $names; do [ "$n" = "$name" ] && known=1; done
    if [ "$known" = 0 ]; then
      echo "error: $me has no option $option; it takes $(notebook_option_list "$names") ('$me --help' explains them)" >&2
      exit 64
    fi
    printf -v "$name" '%s' "$value"
    export "${name?}"
  done
}

# The options of NAMES as written on the command line: "--quick, --thermo PATH, --epochs VALUE, …".
notebook_option_list() {
  local n list="--quick"
  for n in $1; do
    [ "$n" = QUICK ] && continue
    [ "$n" = THERMO ] && { list="$list, --thermo PATH"; continue; }
    list="$list, --$(printf '%s' "$n" | tr 'A-Z_' 'a-z-') VALUE"
  done
  printf '%s' "$list"
}

# Prints SCRIPT's opening comment (its lines from the second, without the `# ` and the cell markers) and its options.
notebook_help() {
  local line
  while IFS= read -r line; do
    case $line in
      '#!'*) continue ;;
      '# %%'*) continue ;;
      '#'*) line=${line#\#}; printf '%s\n' "${line# }" ;;
      *) break ;;
    esac
  done < "$1"
  printf '\nOptions (each also read from the environment variable of the same name in capitals, e.g. EPOCHS=5):\n  %s\n' \
    "$(notebook_option_list "$2")"
}
