# thermo figure 'curves': re-render with `gnuplot fig7-weight-decay.gp` in this folder; edit this script and the .dat files freely.
# thermo 0.1.0: /work/main/.build/release/thermo plot curves /work/main/plots/cnn-mnist/sweeps/smoothing/cells/cell-0000-loss=ce/summary.json /work/main/plots/cnn-mnist/sweeps/weight-decay/cells/cell-0000-weight-decay=1e-4/summary.json /work/main/plots/cnn-mnist/sweeps/weight-decay/cells/cell-0001-weight-decay=1e-3/summary.json /work/main/plots/cnn-mnist/sweeps/weight-decay/cells/cell-0002-weight-decay=1e-2/summary.json /work/main/plots/cnn-mnist/sweeps/smoothing/cells/cell-0001-loss=pla,smooth=fc1/summary.json /work/main/plots/cnn-mnist/sweeps/smoothing/cells/cell-0002-loss=pla,smooth=fc2/summary.json --label 'λ = 0' --label 'λ = 1e-4' --label 'λ = 1e-3' --label 'λ = 1e-2' --label 'PLA U = {FC I}' --label 'PLA U = {FC II}' --zoom 10:20 --title 'paper-mnist on mnist: weight decay against partial smoothing' -o /work/main/plots/cnn-mnist/fig7-weight-decay.png --force --quiet
# in /work/main
# inputs: /work/main/plots/cnn-mnist/sweeps/smoothing/cells/cell-0000-loss=ce/summary.json, /work/main/plots/cnn-mnist/sweeps/weight-decay/cells/cell-0000-weight-decay=1e-4/summary.json, /work/main/plots/cnn-mnist/sweeps/weight-decay/cells/cell-0001-weight-decay=1e-3/summary.json, /work/main/plots/cnn-mnist/sweeps/weight-decay/cells/cell-0002-weight-decay=1e-2/summary.json, /work/main/plots/cnn-mnist/sweeps/smoothing/cells/cell-0001-loss=pla,smooth=fc1/summary.json, /work/main/plots/cnn-mnist/sweeps/smoothing/cells/cell-0002-loss=pla,smooth=fc2/summary.json
reset session
set encoding utf8
set terminal pngcairo enhanced color size 2008,1476 font 'Helvetica,9' fontscale 2.083 linewidth 2 pointscale 4.167 dashlength 1 background rgb 'white'
set output './fig7-weight-decay.png'

# Common style: light grid, outward tics, no mirrored tics, keys drawn over the data.
set border 3 lw 0.8
set tics out scale 0.6 nomirror
set grid back lc rgb '#E3E3E3' lw 0.6 dt 1
set style fill transparent solid 0.25 noborder
set datafile missing 'NaN'
set key opaque samplen 4 spacing 1.1 font ',8'

set multiplot title 'paper-mnist on mnist: weight decay against partial smoothing' font ',10'

set origin 0,0.43742
set size 0.5,0.51461
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'train loss'
set xlabel 'epoch'
set format x '% h'
set ylabel 'cross-entropy'
set format y '% h'
set key top right
plot './fig7-weight-decay.run1.dat' using 1:2 with lines lw 1.5 lc rgb '#000000' dt 1 title 'λ = 0', \
     './fig7-weight-decay.run2.dat' using 1:2 with lines lw 1.5 lc rgb '#D55E00' dt 2 title 'λ = 1e-4', \
     './fig7-weight-decay.run3.dat' using 1:2 with lines lw 1.5 lc rgb '#009E73' dt 4 title 'λ = 1e-3', \
     './fig7-weight-decay.run4.dat' using 1:2 with lines lw 1.5 lc rgb '#0072B2' dt 5 title 'λ = 1e-2', \
     './fig7-weight-decay.run5.dat' using 1:2 with lines lw 1.5 lc rgb '#CC79A7' dt 3 title 'PLA U = \{FC I\}', \
     './fig7-weight-decay.run6.dat' using 1:2 with lines lw 1.5 lc rgb '#E69F00' dt (8,4) title 'PLA U = \{FC II\}'

set origin 0.5,0.43742
set size 0.5,0.51461
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'test accuracy (paler: train)'
set xlabel 'epoch'
set format x '% h'
set ylabel 'accuracy (%)'
set format y '% h'
unset key
set object 1 rectangle from first 10, graph 0 to first 20, graph 1 behind fc rgb '#F0F0F0' fs solid 1.0 noborder
plot './fig7-weight-decay.run1.dat' using 1:4 with lines lw 0.9 lc rgb '#999999' dt 1 notitle, \
     './fig7-weight-decay.run2.dat' using 1:4 with lines lw 0.9 lc rgb '#EEBF99' dt 2 notitle, \
     './fig7-weight-decay.run3.dat' using 1:4 with lines lw 0.9 lc rgb '#99D8C7' dt 4 notitle, \
     './fig7-weight-decay.run4.dat' using 1:4 with lines lw 0.9 lc rgb '#99C7E0' dt 5 notitle, \
     './fig7-weight-decay.run5.dat' using 1:4 with lines lw 0.9 lc rgb '#EBC9DC' dt 3 notitle, \
     './fig7-weight-decay.run6.dat' using 1:4 with lines lw 0.9 lc rgb '#F5D999' dt (8,4) notitle, \
     './fig7-weight-decay.run1.dat' using 1:3 with lines lw 1.5 lc rgb '#000000' dt 1 notitle, \
     './fig7-weight-decay.run2.dat' using 1:3 with lines lw 1.5 lc rgb '#D55E00' dt 2 notitle, \
     './fig7-weight-decay.run3.dat' using 1:3 with lines lw 1.5 lc rgb '#009E73' dt 4 notitle, \
     './fig7-weight-decay.run4.dat' using 1:3 with lines lw 1.5 lc rgb '#0072B2' dt 5 notitle, \
     './fig7-weight-decay.run5.dat' using 1:3 with lines lw 1.5 lc rgb '#CC79A7' dt 3 notitle, \
     './fig7-weight-decay.run6.dat' using 1:3 with lines lw 1.5 lc rgb '#E69F00' dt (8,4) notitle

set origin 0,1.1102e-16
set size 1,0.43742
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'test accuracy, epochs 10–20'
set xlabel 'epoch'
set format x '% h'
set xrange [10:20]
set ylabel 'test accuracy (%)'
set format y '% h'
set yrange [93.2736:95.3964]
unset key
plot './fig7-weight-decay.run1.dat' using 1:3 with lines lw 1.5 lc rgb '#000000' dt 1 notitle, \
     './fig7-weight-decay.run2.dat' using 1:3 with lines lw 1.5 lc rgb '#D55E00' dt 2 notitle, \
     './fig7-weight-decay.run3.dat' using 1:3 with lines lw 1.5 lc rgb '#009E73' dt 4 notitle, \
     './fig7-weight-decay.run4.dat' using 1:3 with lines lw 1.5 lc rgb '#0072B2' dt 5 notitle, \
     './fig7-weight-decay.run5.dat' using 1:3 with lines lw 1.5 lc rgb '#CC79A7' dt 3 notitle, \
     './fig7-weight-decay.run6.dat' using 1:3 with lines lw 1.5 lc rgb '#E69F00' dt (8,4) notitle
unset multiplot
unset output
