/**
 * The paper's Figure 4 (Mao et al., HotNets 2016): mean job slowdown against the cluster load, read
 * off the plot (approximate), for comparison with ours.
 */
export const PAPER_FIGURE_4: Readonly<Record<string, Readonly<Record<"DeepRM" | "Tetris*" | "SJF" | "Packer", number>>>> = Object.freeze({
  "0.1": { DeepRM: 1.4, "Tetris*": 1.4, SJF: 1.4, Packer: 1.4 },
  "0.7": { DeepRM: 2.3, "Tetris*": 3.0, SJF: 3.0, Packer: 5.4 },
  "1.3": { DeepRM: 2.8, "Tetris*": 4.6, SJF: 4.9, Packer: 12.5 },
  "1.9": { DeepRM: 4.8, "Tetris*": 8.0, SJF: 8.4, Packer: 21.3 },
});
